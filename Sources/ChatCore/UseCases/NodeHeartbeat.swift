import Foundation
import Logging
import ServiceLifecycle

/// Keeps this process's record in the node registry: written as soon as every server of
/// the node listens, rewritten every `interval`, removed on a graceful stop. A node that
/// dies stops rewriting it, and readers stop showing it `lifetime` after its last write.
///
/// In a `ServiceGroup`, list it before the servers: it is shut down after them, so the
/// record stays while the node drains.
public struct NodeHeartbeat: Service {
    /// How often a node rewrites its record.
    public static let interval: Duration = .seconds(5)
    /// How long a record outlives its last write: three missed rewrites.
    public static let lifetime: Duration = .seconds(15)

    let node: LocalNode
    let registry: any NodeRegistry
    let interval: Duration
    let lifetime: Duration
    let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(
        node: LocalNode, registry: any NodeRegistry, interval: Duration = NodeHeartbeat.interval,
        lifetime: Duration = NodeHeartbeat.lifetime, logger: Logger
    ) {
        self.node = node
        self.registry = registry
        self.interval = interval
        self.lifetime = lifetime
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Rewrites the record soon, without waiting for the next interval (a server of the
    /// node started listening). Never blocks: callable from an event loop.
    public func refreshNow() { wake.yield() }

    public func run() async throws {
        let wake = self.wake
        let interval = self.interval
        let registered = await withDiscardingTaskGroup(returning: Bool.self) { group in
            group.addTask {
                while (try? await Task.sleep(for: interval)) != nil { wake.yield() }
            }
            var registered = false
            var failing = false
            for await _ in wakeups.cancelOnGracefulShutdown() {
                guard node.isComplete else { continue }
                let record = node.record(lifetime: lifetime)
                do {
                    try await registry.register(record)
                } catch {
                    if !failing {
                        logger.warning("could not write this node's registry record; retrying", metadata: ["node": "\(node.id)", "error": "\(error)"])
                    }
                    failing = true
                    continue
                }
                if failing { logger.notice("node registry record written again", metadata: ["node": "\(node.id)"]) }
                failing = false
                if !registered {
                    registered = true
                    logger.notice("node registered", metadata: [
                        "node": "\(node.id)", "roles": "\(node.roles.joined(separator: ","))",
                        "admin": "\(record.admin?.description ?? "none")",
                    ])
                }
            }
            group.cancelAll()
            return registered
        }
        guard registered else { return }
        do {
            try await registry.deregister(nodeID: node.id)
            logger.info("node deregistered", metadata: ["node": "\(node.id)"])
        } catch {
            logger.warning("could not remove this node's registry record; it expires by itself", metadata: ["node": "\(node.id)", "error": "\(error)"])
        }
    }
}
