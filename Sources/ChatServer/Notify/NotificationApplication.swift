import ChatCore
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// The notification service's HTTP side: `/ws/join-notification/` (pushed
/// notifications), `GET /api/notifications/`, `POST /api/notifications/seen/`,
/// `/healthz`, `/readyz`, `/metrics`. The events come in through a consumer service
/// (ChatRuntime) that calls `DeliverNotifications` with this hub as the pusher.
public enum NotificationApplication {
    /// The parts: the application, its hub (the pusher) and a drain for shutdown.
    public struct Parts<App: ApplicationProtocol>: Sendable {
        public let application: App
        public let hub: NotificationHub
        public let drain: NotificationDrain

        /// In `ServiceGroup` order: the application, then the drain (shut down first).
        public var services: [any Service] { [application, drain] }
    }

    public static func build(
        ports: ChatPorts,
        settings: ChatServerSettings,
        extraChecks: [HealthCheck] = [],
        renderMetrics: (@Sendable () -> [UInt8])? = nil,
        drainTimeout: Duration = .seconds(10),
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Parts<some ApplicationProtocol> {
        let hub = NotificationHub(metrics: ports.metrics)
        let sockets = NotificationSocketController(ports: ports, hub: hub, settings: settings)
        let router = Router(context: ChatRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: ports.metrics))
        router.add(middleware: BackendFailureLogMiddleware())
        let store = ports.store
        HealthController(checks: [HealthCheck(name: "store") { try await store.ping() }] + extraChecks).addRoutes(to: router)
        if let renderMetrics { MetricsController(render: renderMetrics).addRoutes(to: router) }
        NotificationController(ports: ports).addRoutes(to: router.group("api/notifications").add(middleware: AuthMiddleware(ports: ports)))
        sockets.addRoutes(to: router)
        let application = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: .init(maxFrameSize: settings.maxFrameBytes, autoPing: .enabled(timePeriod: .seconds(30)))),
                shouldUpgrade: sockets.shouldUpgrade
            ),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "chatctl-notify"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger
        )
        return Parts(application: application, hub: hub, drain: NotificationDrain(hub: hub, timeout: drainTimeout, logger: logger))
    }
}

/// Closes notification sockets with 1001 before the HTTP server stops (see `WebSocketDrain`).
public struct NotificationDrain: Service {
    let hub: NotificationHub
    let timeout: Duration
    let logger: Logger

    public func run() async throws {
        do { try await gracefulShutdown() } catch { return }
        let start = ContinuousClock.now
        let open = hub.drain()
        while hub.totalConnections > 0, ContinuousClock.now - start < timeout, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
        logger.info("notification sockets drained", metadata: ["sockets": "\(open)", "left_open": "\(hub.totalConnections)"])
    }
}
