import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOWebSocket

/// `GET /ws/join/?name=ROOM[&since=MESSAGE_ID]`: a room over WebSocket.
///
/// The upgrade happens only for an authenticated user and an existing room; otherwise
/// the client gets 401 (JSON, as echo's JWT middleware answered) or 400
/// `room does not exist` (as the Go handler answered) and no upgrade. The client first
/// gets one frame with the recent messages (newest first), then every message of the
/// room. It sends `{"type":"message","content":"…"}`, optionally with its own
/// `"client_id"` (a resend of a stored one is not stored again; only the sender gets the
/// stored message back); a bad frame gets `{"error":"…"}` and the socket stays open.
/// With `since=<last message id>` a reconnecting client gets the messages it missed
/// instead of the recent ones, or `{"type":"resync",…}` and the recent ones.
struct RoomSocketController: Sendable {
    let ports: ChatPorts
    let hub: RoomHub
    /// What is read once, when the service is built (the frame size, the web client).
    let settings: ChatServerSettings
    /// The limits and origins in force, read at each upgrade, join and frame.
    let live: LiveSettings
    /// Sockets per user on this service (`limits.connections_per_user`).
    let quota: ConnectionQuota
    /// Pings and TCP keepalive for every socket of this service.
    let keepAlive: SocketKeepAlive

    /// - Parameter live: the limits in force; nil: fixed at `settings`' own.
    init(ports: ChatPorts, hub: RoomHub, settings: ChatServerSettings, live: LiveSettings? = nil, quota: ConnectionQuota, keepAlive: SocketKeepAlive) {
        self.ports = ports
        self.hub = hub
        self.settings = settings
        self.live = live ?? LiveSettings(settings.reloadable)
        self.quota = quota
        self.keepAlive = keepAlive
    }

    struct InboundFrame: Decodable {
        var type: String?
        var content: String?
        var clientID: String?

        enum CodingKeys: String, CodingKey {
            case type, content
            case clientID = "client_id"
        }
    }

    /// What must hold before an upgrade, and what the socket then needs.
    struct Admission {
        var identity: Identity
        var room: Room
        /// The last message id the client saw (`since=`): it resumes after it.
        var since: ObjectID?
    }

    static let paths: Set<String> = ["/ws/join", "/ws/join/"]

    /// What must hold before an upgrade: a valid token, an existing room and, when
    /// given, a well-formed `since` message id.
    func admit(uri: URI, headers: HTTPFields) async throws -> Admission {
        let identity = try await Authenticate(ports: ports)(token: AuthMiddleware.token(headers: headers, uri: uri))
        let since = try Self.since(uri)
        do {
            let room = try await JoinRoom(ports: ports).findRoom(named: uri.queryParameters.get("name"))
            // The socket keeps the room for its lifetime: keep only what it needs, not the
            // member list (every socket holding every member is quadratic in room size).
            let member = room.members.contains(identity.user.id)
            if !member { try await RoomLimit(roomsPerUser: live.current.roomsPerUser).check(identity.user.id, in: ports.store) }
            // The room's rules and mutes, once per room on this node: its posts then read no store.
            try await ports.roomRules.prepare(roomID: room.id)
            let slim = Room(id: room.id, name: room.name, members: member ? [identity.user.id] : [], createdAt: room.createdAt)
            return Admission(identity: identity, room: slim, since: since)
        } catch let error as ChatError where error.kind == .notFound {
            throw TextError(status: .badRequest, message: error.message)
        } catch let error as ChatError where error.kind == .invalidInput {
            throw TextError(status: .badRequest, message: "Please provide a room name")
        }
    }

    /// The `since` query parameter: absent, or a message id (24 hex digits).
    static func since(_ uri: URI) throws -> ObjectID? {
        guard let raw = uri.queryParameters.get("since"), !raw.isEmpty else { return nil }
        guard let id = ObjectID(hex: raw) else {
            throw TextError(status: .badRequest, message: "since must be a message id (24 hexadecimal digits)")
        }
        return id
    }

    /// A plain GET (no upgrade) gets the same checks, then 426 Upgrade Required.
    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("ws/join") { request, _ -> Response in
            _ = try await admit(uri: request.uri, headers: request.headers)
            throw TextError(status: .upgradeRequired, message: "this endpoint needs a WebSocket upgrade")
        }
    }

    /// The upgrade decision, called by the HTTP/1 server for every upgrade request.
    func decide(request: HTTPRequest, channel: any Channel, logger: Logger) async -> UpgradeDecision {
        await UpgradeRefusal.gate(request, paths: Self.paths, allowedOrigins: live.current.allowedOrigins, on: channel) { uri in
            // A gentle drain: the client is to try another node (503 before the upgrade).
            guard hub.intake != .reconnecting else { throw ChatError.nodeDraining }
            let admission = try await admit(uri: uri, headers: request.headerFields)
            try quota.admit(admission.identity.user.id, until: channel)
            return SocketUpgrade { channel in install(admission, on: channel, logger: logger) }
        }
    }

    /// On the event loop, right after the upgrade: the socket's handler and its place in
    /// the hub. Returns the history to send next, then the keepalive (in the connection's
    /// task, which then ends: a room socket has no task of its own).
    private func install(_ admission: Admission, on channel: any Channel, logger baseLogger: Logger) -> (@Sendable () async -> Void)? {
        var logger = baseLogger
        logger[metadataKey: "room"] = "\(admission.room.name)"
        logger[metadataKey: "user"] = "\(admission.identity.user.username)"
        // Register before reading history so that nothing posted meanwhile is missed:
        // the room's frames are buffered until the history frame is out, and live copies
        // of messages already in it are skipped.
        let connection = RoomConnection(
            roomID: admission.room.id, userID: admission.identity.user.id, username: admission.identity.user.username, channel: channel,
            capacity: live.current.outboundBufferFrames, resumedAfter: admission.since)
        let socket = RoomSocket(
            connection: connection, hub: hub, ports: ports, room: admission.room, user: admission.identity.user, live: live, logger: logger)
        guard ServerWebSocketHandler.install(socket, on: channel, maxMessageBytes: settings.maxFrameBytes) else { return nil }
        guard hub.register(connection) else {
            // Admitted just before the hub stopped taking sockets: a gentle drain tells it
            // to reconnect (with the `since` it came with), a shutdown to go away.
            if hub.intake == .reconnecting {
                _ = connection.askToReconnect(includingJoining: true)
            } else {
                ServerWebSocketHandler.close(channel, code: .goingAway, reason: ServerWebSocketHandler.goingAwayReason)
            }
            return nil
        }
        return { [logger] in
            do {
                let sent = try await sendHistory(on: channel, admission: admission, meter: connection.meter)
                connection.goLive(skipping: sent.ids, newest: sent.newest)
                keepAlive.watch(channel)  // pings after the history frame
            } catch {
                logger.error("could not send the room's history", metadata: ["error": "\(error)"])
                ServerWebSocketHandler.close(channel, code: .unexpectedServerError, reason: "history unavailable; reconnect")
            }
        }
    }

    /// What the first frames carried: the ids sent (live copies of them are skipped) and
    /// the message a client resumes after once it has them (nil: none was sent).
    struct HistorySent {
        var ids: Set<ObjectID>
        var newest: ObjectID?

        init(_ messages: [Message]) {
            ids = Set(messages.map(\.id))
            newest = RoomSocketController.resumePoint(of: messages)
        }
    }

    /// The first frames: the recent messages (newest first, one frame), or for a resuming
    /// client every message it missed (oldest first, one frame each) or a resync frame and
    /// then the recent messages. Returns what was sent, so live copies of it are skipped.
    /// (Writes from off the event loop keep their order, and `goLive` is queued after them.)
    /// Each frame counts on the socket's `meter`.
    private func sendHistory(on channel: any Channel, admission: Admission, meter: ConnectionMeter) async throws -> HistorySent {
        let join = JoinRoom(ports: ports)
        func write(_ payload: ByteBuffer) {
            meter.countOut()
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: payload), promise: nil)
        }
        guard let since = admission.since else {
            let joined = try await join(room: admission.room, user: admission.identity.user)
            write(FrameEncoder.historyFrame(joined.recentMessages))
            return HistorySent(joined.recentMessages)
        }
        switch try await join.resume(room: admission.room, user: admission.identity.user, after: since, limit: live.current.resumeLimit) {
        case .missed(let messages):
            for message in messages { write(FrameEncoder.messageFrame(message)) }
            return HistorySent(messages)
        case .resync(let reason, let recent):
            write(FrameEncoder.resyncFrame(reason: reason))
            write(FrameEncoder.historyFrame(recent))
            return HistorySent(recent)
        }
    }

    /// The message of `messages` a client resumes after (`since=`) once it has them all:
    /// the highest `seq` (a resume follows `seq`), or without numbers (the Go service's
    /// messages) the newest by time.
    static func resumePoint(of messages: [Message]) -> ObjectID? {
        if let numbered = messages.filter({ $0.sequence > 0 }).max(by: { $0.sequence < $1.sequence }) { return numbered.id }
        return messages.max(by: { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) })?.id
    }

    static func decodeInbound(_ text: String) throws -> InboundFrame {
        let frame: InboundFrame
        do {
            frame = try JSONDecoder().decode(InboundFrame.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            let described = JSONBody.describe(error)
            if described.field == "body" { throw ChatError.invalid("frame", "frame is not a JSON object") }
            throw described
        }
        guard let type = frame.type else { throw ChatError.required("type") }
        guard type == "message" else { throw ChatError.invalid("type", "unknown frame type; expected \"message\"") }
        return frame
    }
}
