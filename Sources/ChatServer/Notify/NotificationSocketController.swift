import ChatCore
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
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
    let settings: ChatServerSettings
    /// Sockets per user on this service (`limits.connections_per_user`).
    let quota: ConnectionQuota
    /// Pings and TCP keepalive for every socket of this service.
    let keepAlive: SocketKeepAlive

    static let paths: Set<String> = ["/ws/join-notification", "/ws/join-notification/"]

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("ws/join-notification") { request, _ -> Response in
            _ = try await Authenticate(ports: ports)(token: AuthMiddleware.token(headers: request.headers, uri: request.uri))
            throw TextError(status: .upgradeRequired, message: "this endpoint needs a WebSocket upgrade")
        }
    }

    func shouldUpgrade(
        request: HTTPRequest, channel: any Channel, logger: Logger
    ) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        await UpgradeRefusal.gate(request, paths: Self.paths, allowedOrigins: settings.allowedOrigins, on: channel) { uri in
            let identity = try await Authenticate(ports: ports)(token: AuthMiddleware.token(headers: request.headerFields, uri: uri))
            try quota.admit(identity.user.id, until: channel)
            return { inbound, outbound, _ in
                keepAlive.watch(channel)
                try await run(inbound: inbound, outbound: outbound, receiver: identity.user.id)
            }
        }
    }

    private func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, receiver: ObjectID) async throws {
        let connection = NotificationConnection(receiverID: receiver, capacity: settings.outboundBufferFrames)
        guard hub.register(connection) else {
            try? await outbound.close(.goingAway, reason: RoomSocketController.goingAwayReason)
            return
        }
        defer {
            hub.unregister(connection)
            connection.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in connection.frames {
                    try await outbound.write(.custom(.init(fin: true, opcode: .text, data: frame)))
                }
            }
            group.addTask {
                for try await _ in inbound.messages(maxSize: settings.maxFrameBytes) {}
            }
            try await group.next()
            connection.finish()
            group.cancelAll()
        }
        if let reason = connection.sessionEndReason {
            try? await outbound.close(.policyViolation, reason: reason)
        } else if connection.isGoingAway {
            try? await outbound.close(.goingAway, reason: RoomSocketController.goingAwayReason)
        }
    }
}
