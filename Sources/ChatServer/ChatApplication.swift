import ChatCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The chat service's parts: the HTTP/WebSocket application, its hub of sockets, the
/// watcher that tells those sockets of moderation, and the drain that closes them first
/// on a graceful shutdown.
public struct ChatService<App: ApplicationProtocol>: Sendable {
    public let application: App
    public let hub: RoomHub
    public let moderation: ModerationWatcher
    public let drain: WebSocketDrain

    /// In `ServiceGroup` order: the moderation watcher, the application, then the drain
    /// (shut down first).
    public var services: [any Service] { [moderation, application, drain] }
}

/// Builds the chat service: REST + WebSocket rooms on one port, wired to the ports.
public enum ChatApplication {
    /// The router with every chat route (also usable with HummingbirdTesting's `.router`).
    static func buildRouter(
        ports: ChatPorts, hub: RoomHub, sockets: RoomSocketController, checks: [HealthCheck], renderMetrics: (@Sendable () -> [UInt8])?,
        drain: NodeDrain? = nil
    ) -> Router<ChatRequestContext> {
        let router = Router(context: ChatRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: ports.metrics))
        router.add(middleware: BackendFailureLogMiddleware())
        let auth = AuthMiddleware(ports: ports)
        HealthController(checks: checks, drain: drain).addRoutes(to: router)
        if let renderMetrics { MetricsController(render: renderMetrics).addRoutes(to: router) }
        OpenAPIController().addRoutes(to: router)
        let live = sockets.live
        UserController(ports: ports, throttle: LoginThrottle(currentPolicy: { live.current.loginPolicy }))
            .addRoutes(to: router.group("api/user"), auth: auth)
        RoomController(ports: ports, hub: hub, live: live).addRoutes(to: router.group("api/room").add(middleware: auth))
        ReportController(ports: ports, throttle: ReportThrottle(reportsPerHour: sockets.settings.reportsPerHour))
            .addRoutes(to: router.group("api/message").add(middleware: auth))
        sockets.addRoutes(to: router)
        if let webClient = sockets.settings.webClient { WebClientController(settings: webClient).addRoutes(to: router) }
        return router
    }

    /// The chat service as runnable services.
    ///
    /// - Parameters:
    ///   - live: the limits and origins in force, which a configuration reload replaces
    ///     (nil: fixed at `settings`' own).
    ///   - extraChecks: backends `/readyz` probes besides the store (always probed).
    ///   - renderMetrics: the Prometheus text for `GET /metrics` (no route when nil).
    ///   - drainTimeout: how long a graceful shutdown waits for sockets to close.
    ///   - gentleDrain: the node's gentle drain, which `/readyz` reports (the caller adds
    ///     the hub to it); nil: none.
    ///   - onServerRunning: called with the bound port once it accepts connections.
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
    ) async -> ChatService<some ApplicationProtocol> {
        let hub = RoomHub(metrics: ports.metrics)
        await ports.fanout.attach(hub)
        let inForce = live ?? LiveSettings(settings.reloadable)
        let sockets = RoomSocketController(
            ports: ports, hub: hub, settings: settings, live: inForce, quota: ConnectionQuota(live: inForce),
            keepAlive: SocketKeepAlive(interval: TimeAmount(settings.pingInterval)))
        let store = ports.store
        let router = buildRouter(
            ports: ports, hub: hub, sockets: sockets, checks: [HealthCheck(name: "store") { try await store.ping() }] + extraChecks,
            renderMetrics: renderMetrics, drain: gentleDrain)
        let application = WebSocketApplication.make(
            router: router, settings: settings, decide: sockets.decide, serverName: "chatctl", logger: logger,
            onServerRunning: onServerRunning)
        return ChatService(
            application: application, hub: hub, moderation: ModerationWatcher(log: store, hub: hub, cache: ports.cache, rules: ports.roomRules, logger: logger),
            drain: WebSocketDrain(hub: hub, timeout: drainTimeout, logger: logger))
    }
}
