import ChatRuntime
import ChatServer

extension ChatServerSettings {
    /// What a user gets by default (`SettingKey`'s defaults), on a free loopback port,
    /// with the abuse limits off (message rate, sockets, rooms and reports per user, failed
    /// logins): a test that checks a limit turns it on in `configure`.
    static func testing(_ configure: (inout ChatServerSettings) -> Void = { _ in }) -> ChatServerSettings {
        var settings = Settings.builtIn.chatServer
        settings.host = "127.0.0.1"
        settings.port = 0
        settings.messageRateLimit = 0
        settings.connectionsPerUser = 0
        settings.roomsPerUser = 0
        settings.reportsPerHour = 0
        settings.loginPolicy = .off
        configure(&settings)
        return settings
    }
}

enum ChatServerTestSettings {
    /// Tiny outbound buffers so that a stalled socket overflows quickly.
    static let smallBuffers = ChatServerSettings.testing { $0.maxFrameBytes = 64 * 1024; $0.outboundBufferFrames = 8 }
}
