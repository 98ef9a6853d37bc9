import ChatCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The notification service's HTTP side: `/ws/join-notification/` (pushed
/// notifications), `GET /api/notifications/`, `POST /api/notifications/seen/`,
/// `/healthz`, `/readyz`, `/metrics`, `/openapi.json`. The events come in through a consumer service
/// (ChatRuntime) that calls `DeliverNotifications` with this hub as the pusher.
public enum NotificationApplication {
    /// The parts: the application, its hub (the pusher) and a drain for shutdown.
    public struct Parts<App: ApplicationProtocol>: Sendable {
        public let application: App
        public let hub: NotificationHub
        public let drain: WebSocketDrain

        /// In `ServiceGroup` order: the application, then the drain (shut down first).
        public var services: [any Service] { [application, drain] }
    }

    /// The router with every notification route (also usable with HummingbirdTesting's `.router`).
    static func buildRouter(
        ports: ChatPorts, sockets: NotificationSocketController, checks: [HealthCheck], renderMetrics: (@Sendable () -> [UInt8])?,
        drain: NodeDrain? = nil
    ) -> Router<ChatRequestContext> {
        let router = Router(context: ChatRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: ports.metrics))
        router.add(middleware: BackendFailureLogMiddleware())
        HealthController(checks: checks, drain: drain).addRoutes(to: router)
        if let renderMetrics { MetricsController(render: renderMetrics).addRoutes(to: router) }
        OpenAPIController().addRoutes(to: router)
        NotificationController(ports: ports).addRoutes(to: router.group("api/notifications").add(middleware: AuthMiddleware(ports: ports)))
        sockets.addRoutes(to: router)
        return router
    }

    /// The notification service as runnable parts.
    ///
    /// - Parameters:
    ///   - live: the origins and socket limit in force, which a configuration reload
    ///     replaces (nil: fixed at `settings`' own).
    ///   - gentleDrain: the node's gentle drain, which `/readyz` reports (the caller adds
    ///     the hub to it); nil: none.
    public static func build(
        ports: ChatPorts,
        settings: ChatServerSettings,
        live: LiveSettings? = nil,
        extraChecks: [HealthCheck] = [],
        renderMetrics: (@Sendable () -> [UInt8])? = nil,
        drainTimeout: Duration = .seconds(10),
        gentleDrain: NodeDrain? = nil,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Parts<some ApplicationProtocol> {
        let hub = NotificationHub(metrics: ports.metrics)
        let inForce = live ?? LiveSettings(settings.reloadable)
        let sockets = NotificationSocketController(
            ports: ports, hub: hub, settings: settings, live: inForce, quota: ConnectionQuota(live: inForce),
            keepAlive: SocketKeepAlive(interval: TimeAmount(settings.pingInterval)))
        let store = ports.store
        let router = buildRouter(
            ports: ports, sockets: sockets, checks: [HealthCheck(name: "store") { try await store.ping() }] + extraChecks,
            renderMetrics: renderMetrics, drain: gentleDrain)
        let application = WebSocketApplication.make(
            router: router, settings: settings, decide: sockets.decide, serverName: "chatctl-notify", logger: logger,
            onServerRunning: onServerRunning)
        return Parts(application: application, hub: hub, drain: WebSocketDrain(hub: hub, timeout: drainTimeout, logger: logger))
    }
}
