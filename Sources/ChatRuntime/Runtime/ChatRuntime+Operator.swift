import ChatCore
import ChatServer
import Logging
import ServiceLifecycle

extension ChatRuntime {
    /// The public servers a process of these roles runs: chat and notify, or the
    /// scheduler's status endpoints when it runs alone (within `serve all` it has none).
    public static func servers(for roles: Set<ServiceRole>) -> Set<ServiceRole> {
        roles == [.scheduler] ? [.scheduler] : roles.intersection([.chat, .notify])
    }

    /// The node's registry heartbeat and, with a configured secret key, its operator API
    /// on `admin.host`/`admin.port` with `routes` (the node's own and its metrics first), in `ServiceGroup`
    /// order: the heartbeat first, so it deregisters last. `drain`: the node's gentle
    /// drain, which `/admin/node`'s health reports.
    func operatorServices(node: LocalNode, heartbeat: NodeHeartbeat, drain: NodeDrain?, routes: [any AdminRoutes]) -> [any Service] {
        guard let operatorTokens else {
            logger.notice("no secret key configured: this process runs no operator API (chatctl nodes list shows it without health)")
            return [heartbeat]
        }
        let logger = self.logger
        let host = settings.adminHost
        let metrics = self.metrics
        let allRoutes: [any AdminRoutes] = [
            NodeAdminRoutes(node: node, checks: [storeBackend.healthCheck] + sharedHealthChecks, drain: drain),
            MetricsAdminRoutes(nodeID: node.id, render: { metrics.render() }, started: metrics.started),
        ] + routes
        let api = AdminApplication.build(
            host: host, port: settings.adminPort, routes: allRoutes, tokens: operatorTokens, logger: logger
        ) { port in
            logger.notice("operator API listening", metadata: ["host": "\(host)", "port": "\(port)"])
            node.operatorAPIListening(host: host, port: port)
            heartbeat.refreshNow()
        }
        return [heartbeat, api]
    }

    /// What re-reads this process's configuration on SIGHUP and for the operator API:
    /// `loader` is how it was read at start (the flags given and the environment then),
    /// the runtime's settings what the process runs on.
    public func configReloader(loader: SettingsLoader) -> ConfigReloader {
        ConfigReloader(loader: loader, running: settings, live: live, logger: logger)
    }
}
