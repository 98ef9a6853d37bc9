import ChatCore
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOWebSocket

/// `GET /ws/join-notification/`: a user's notifications, pushed as they are stored.
///
/// Authenticated like the chat service (Bearer header or `?token=`); refused with 401
/// before any upgrade. Frames carry the Go service's keys. Messages from the client are
/// ignored (the socket is for pushing).
struct NotificationSocketController: Sendable {
    let ports: ChatPorts
    let hub: NotificationHub
    /// What is read once, when the service is built (the frame size).
    let settings: ChatServerSettings
    /// The origins in force, read at each upgrade.
    let live: LiveSettings
    /// Sockets per user on this service (`limits.connections_per_user`).
    let quota: ConnectionQuota
    /// Pings and TCP keepalive for every socket of this service.
    let keepAlive: SocketKeepAlive

    /// - Parameter live: the origins in force; nil: fixed at `settings`' own.
    init(
        ports: ChatPorts, hub: NotificationHub, settings: ChatServerSettings, live: LiveSettings? = nil, quota: ConnectionQuota,
        keepAlive: SocketKeepAlive
    ) {
        self.ports = ports
        self.hub = hub
        self.settings = settings
        self.live = live ?? LiveSettings(settings.reloadable)
        self.quota = quota
        self.keepAlive = keepAlive
    }

    static let paths: Set<String> = ["/ws/join-notification", "/ws/join-notification/"]

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("ws/join-notification") { request, _ -> Response in
            _ = try await Authenticate(ports: ports)(token: AuthMiddleware.token(headers: request.headers, uri: request.uri))
            throw TextError(status: .upgradeRequired, message: "this endpoint needs a WebSocket upgrade")
        }
    }

    func decide(request: HTTPRequest, channel: any Channel, logger: Logger) async -> UpgradeDecision {
        await UpgradeRefusal.gate(request, paths: Self.paths, allowedOrigins: live.current.allowedOrigins, on: channel) { uri in
            // A gentle drain: the client is to try another node (503 before the upgrade).
            guard hub.intake != .reconnecting else { throw ChatError.nodeDraining }
            let identity = try await Authenticate(ports: ports)(token: AuthMiddleware.token(headers: request.headerFields, uri: uri))
            try quota.admit(identity.user.id, until: channel)
            return SocketUpgrade { channel in
                install(receiver: identity.user.id, username: identity.user.username, on: channel)
                return nil
            }
        }
    }

    /// On the event loop, right after the upgrade: the socket's handler and its place in
    /// the hub. The socket has no task: the hub writes notifications straight into it.
    private func install(receiver: ObjectID, username: String, on channel: any Channel) {
        let connection = NotificationConnection(receiverID: receiver, username: username, channel: channel, hub: hub)
        guard ServerWebSocketHandler.install(connection, on: channel, maxMessageBytes: settings.maxFrameBytes) else { return }
        guard hub.register(connection) else {
            // Admitted just before the hub stopped taking sockets.
            if hub.intake == .reconnecting {
                connection.askToReconnect()
            } else {
                ServerWebSocketHandler.close(channel, code: .goingAway, reason: ServerWebSocketHandler.goingAwayReason)
            }
            return
        }
        keepAlive.watch(channel)
    }
}
