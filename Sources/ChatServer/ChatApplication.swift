import ChatCore
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// Builds the chat service: REST + WebSocket rooms on one port, wired to the ports.
public enum ChatApplication {
    /// The router with every chat route (also usable with HummingbirdTesting's `.router`).
    static func buildRouter(ports: ChatPorts, hub: RoomHub, sockets: RoomSocketController, checks: [HealthCheck]) -> Router<ChatRequestContext> {
        let router = Router(context: ChatRequestContext.self)
        router.add(middleware: BackendFailureLogMiddleware())
        let auth = AuthMiddleware(ports: ports)
        HealthController(checks: checks).addRoutes(to: router)
        UserController(ports: ports).addRoutes(to: router.group("api/user"), auth: auth)
        RoomController(ports: ports, hub: hub).addRoutes(to: router.group("api/room").add(middleware: auth))
        sockets.addRoutes(to: router)
        return router
    }

    /// The chat service as a runnable Hummingbird application (a `Service`).
    ///
    /// - Parameters:
    ///   - extraChecks: backends `/readyz` probes besides the store (always probed).
    ///   - onServerRunning: called with the bound port once it accepts connections.
    public static func build(
        ports: ChatPorts,
        settings: ChatServerSettings,
        extraChecks: [HealthCheck] = [],
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async -> some ApplicationProtocol {
        let hub = RoomHub()
        await ports.fanout.attach(hub)
        let sockets = RoomSocketController(ports: ports, hub: hub, settings: settings)
        let store = ports.store
        let router = buildRouter(
            ports: ports, hub: hub, sockets: sockets, checks: [HealthCheck(name: "store") { try await store.ping() }] + extraChecks)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: .init(maxFrameSize: settings.maxFrameBytes, autoPing: .enabled(timePeriod: .seconds(30)))),
                shouldUpgrade: sockets.shouldUpgrade
            ),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "chatctl"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger
        )
    }
}
