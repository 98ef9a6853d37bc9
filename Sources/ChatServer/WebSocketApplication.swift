import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// The HTTP/1 + WebSocket application both services run (chat, notify): the router,
/// the upgrade gate, frame limits and auto-ping from the settings.
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
                configuration: .init(ws: .init(maxFrameSize: settings.maxFrameBytes, autoPing: .enabled(timePeriod: .seconds(30)), validateUTF8: true)),
                shouldUpgrade: shouldUpgrade
            ),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: serverName),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger
        )
    }
}
