import ChatCore
import ChatRuntime
import Foundation

/// Follows one node's gentle drain through its operator API (`GET /admin/drain`) until it
/// is no longer draining, showing its progress on a terminal (`ProgressLine`).
struct DrainFollower: Sendable {
    /// How often the node is asked.
    static let interval: Duration = .milliseconds(250)
    /// How long past the drain's deadline a node that does not answer is waited for.
    static let grace: TimeInterval = 15

    let api: OperatorAPIClient
    let node: NodeRecord
    let progress: ProgressLine

    /// The status once the drain is over (drained or cancelled).
    /// - Throws: `RuntimeError` when the node stops answering until `grace` past the deadline.
    func follow(from start: DrainStatus) async throws -> DrainStatus {
        var status = start
        let deadline = status.deadline.flatMap(RFC3339.date(from:)) ?? Date()
        while status.isRunning {
            show(status, deadline: deadline)
            try await Task.sleep(for: Self.interval)
            do throws(OperatorAPIClient.Failure) {
                status = try await api.get("/admin/drain", from: node, as: DrainStatus.self)
            } catch {
                guard Date() < deadline.addingTimeInterval(Self.grace) else {
                    progress.finish()
                    throw RuntimeError("node \(node.id) stopped answering during its drain: \(error) (chatctl nodes drain --status shows it once it answers)")
                }
            }
        }
        progress.finish()
        return status
    }

    /// `draining host-1-abc: 400 asked, 1200 open, 95s to the deadline`.
    private func show(_ status: DrainStatus, deadline: Date) {
        let left = max(0, Int(deadline.timeIntervalSinceNow.rounded(.up)))
        progress.show("draining \(node.id): \(status.closed) asked to reconnect, \(status.open) open, \(left)s to the deadline")
    }
}
