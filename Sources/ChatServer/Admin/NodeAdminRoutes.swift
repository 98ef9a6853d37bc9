import ChatCore
import Hummingbird

/// `GET /admin/node`: this node's registry record as of now (fresher than the one in
/// the registry) and its readiness, as `/readyz` reports it: `{"node": {…}, "health":
/// {"status", "checks", "failing"}}` (`status` is `draining` once a gentle drain started).
public struct NodeAdminRoutes: AdminRoutes {
    let node: LocalNode
    let health: HealthController
    let lifetime: Duration

    /// - Parameters:
    ///   - checks: what the node's readiness probes (the store, Redis, RabbitMQ).
    ///   - drain: the node's gentle drain, if it runs sockets.
    public init(node: LocalNode, checks: [HealthCheck], drain: NodeDrain? = nil, lifetime: Duration = NodeHeartbeat.lifetime) {
        self.node = node
        self.health = HealthController(checks: checks, drain: drain)
        self.lifetime = lifetime
    }

    struct NodeStatus: ResponseEncodable {
        var node: NodeRecord
        var health: HealthController.Readiness
    }

    public func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        let node = self.node, health = self.health, lifetime = self.lifetime
        group.get("node") { _, context -> NodeStatus in
            NodeStatus(node: node.record(lifetime: lifetime), health: await health.report(logger: context.logger))
        }
    }
}
