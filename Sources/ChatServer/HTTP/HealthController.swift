import ChatCore
import Foundation
import Hummingbird
import Logging

/// `GET /healthz` (the process answers) and `GET /readyz` (every configured backend
/// answers: 200, or 503 naming the ones that do not; 503 `draining` from the start of a
/// gentle drain, `chatctl nodes drain`, until the process restarts).
struct HealthController {
    let checks: [HealthCheck]
    /// The node's gentle drain, if it can run one.
    let drain: NodeDrain?

    init(checks: [HealthCheck], drain: NodeDrain? = nil) {
        self.checks = checks
        self.drain = drain
    }

    struct Readiness: ResponseEncodable {
        var status: String
        var checks: [String: String]
        var failing: [String]
    }

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("healthz") { _, _ in "ok" }
        router.get("readyz") { _, context in try await readiness(logger: context.logger) }
    }

    func readiness(logger: Logger) async throws -> EditedResponse<Readiness> {
        let body = await report(logger: logger)
        return EditedResponse(status: body.status == Self.ready ? .ok : .serviceUnavailable, response: body)
    }

    /// `status` when the node takes traffic.
    static let ready = "ready"
    /// `status` once a gentle drain started (whatever the backends say).
    static let draining = "draining"

    /// Probes every check at once (what `/readyz` answers, and the operator API's
    /// `/admin/node`); logs each failing one.
    func report(logger: Logger) async -> Readiness {
        let outcomes = await withTaskGroup(of: (String, String?).self) { group in
            for check in checks {
                group.addTask {
                    do {
                        try await check.probe()
                        return (check.name, nil)
                    } catch let error as ChatError {
                        return (check.name, error.detail ?? error.message)
                    } catch {
                        return (check.name, "\(error)")
                    }
                }
            }
            return await group.reduce(into: [(String, String?)]()) { $0.append($1) }
        }
        let failing = outcomes.filter { $0.1 != nil }.map(\.0).sorted()
        for (name, problem) in outcomes { if let problem { logger.warning("not ready", metadata: ["backend": "\(name)", "error": "\(problem)"]) } }
        let status = (drain?.isUnready ?? false) ? Self.draining : failing.isEmpty ? Self.ready : "unavailable"
        return Readiness(
            status: status,
            checks: Dictionary(uniqueKeysWithValues: outcomes.map { ($0.0, $0.1 == nil ? "ok" : "unavailable") }),
            failing: failing)
    }
}
