import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The HTTP/1 + WebSocket application both services run (chat, notify): the router and
/// the upgrade decision. Upgraded sockets are NIO handlers (`HTTPWebSocketChannel`), kept
/// alive by the controllers' `SocketKeepAlive` (one ping timer per event loop).
enum WebSocketApplication {
    static func make(
        router: Router<ChatRequestContext>,
        settings: ChatServerSettings,
        decide: @escaping @Sendable (HTTPRequest, any Channel, Logger) async -> UpgradeDecision,
        serverName: String,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router,
            server: HTTPServerBuilder { responder in
                HTTPWebSocketChannel(responder: responder, maxFrameSize: settings.maxFrameBytes, decide: decide)
            },
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: serverName),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger
        )
    }
}
