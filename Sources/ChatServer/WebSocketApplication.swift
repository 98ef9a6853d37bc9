import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// The HTTP/1 + WebSocket application both services run (chat, notify): the router,
/// the upgrade gate and frame limits from the settings. No per-socket auto-ping: the
/// controllers hand their sockets to a `SocketKeepAlive` (one timer per event loop).
enum WebSocketApplication {
    static func make(
        router: Router<ChatRequestContext>,
        settings: ChatServerSettings,
        shouldUpgrade: @escaping @Sendable (HTTPRequest, any Channel, Logger) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>,
        serverName: String,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router,
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: .init(maxFrameSize: settings.maxFrameBytes, autoPing: .disabled, validateUTF8: true)),
                shouldUpgrade: shouldUpgrade
            ),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: serverName),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger
        )
    }
}
