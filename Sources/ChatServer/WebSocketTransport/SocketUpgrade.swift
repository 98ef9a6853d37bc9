import NIOCore

/// What an admitted WebSocket upgrade does once the `101` response is out.
struct SocketUpgrade: Sendable {
    /// On the channel's event loop, right after the upgrade: adds the socket's handlers
    /// above NIO's frame decoder and encoder and returns the work to run next, if any.
    var install: @Sendable (any Channel) throws -> (@Sendable () async -> Void)?
}
