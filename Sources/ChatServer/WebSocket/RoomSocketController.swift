import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
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
    let settings: ChatServerSettings
    /// Sockets per user on this service (`limits.connections_per_user`).
    let quota: ConnectionQuota
    /// Pings and TCP keepalive for every socket of this service.
    let keepAlive: SocketKeepAlive

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

    /// The close reason sent with 1001 when the server shuts down.
    static let goingAwayReason = "server shutting down"

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
            if !member { try await RoomLimit(roomsPerUser: settings.roomsPerUser).check(identity.user.id, in: ports.store) }
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
    func shouldUpgrade(
        request: HTTPRequest, channel: any Channel, logger: Logger
    ) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        await UpgradeRefusal.gate(request, paths: Self.paths, allowedOrigins: settings.allowedOrigins, on: channel) { uri in
            let admission = try await admit(uri: uri, headers: request.headerFields)
            try quota.admit(admission.identity.user.id, until: channel)
            return { inbound, outbound, context in
                try await run(inbound: inbound, outbound: outbound, admission: admission, channel: channel, logger: context.logger)
            }
        }
    }

    private func run(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, admission: Admission, channel: any Channel,
        logger baseLogger: Logger
    ) async throws {
        let identity = admission.identity
        let room = admission.room
        var logger = baseLogger
        logger[metadataKey: "room"] = "\(room.name)"
        logger[metadataKey: "user"] = "\(identity.user.username)"

        // Register before reading history so that nothing posted meanwhile is missed:
        // the room's frames are buffered until the history frame is out, and live copies
        // of messages already in it are skipped.
        keepAlive.watch(channel)
        let connection = RoomConnection(roomID: room.id, userID: identity.user.id, channel: channel, capacity: settings.outboundBufferFrames)
        guard hub.register(connection) else {
            try? await outbound.close(.goingAway, reason: Self.goingAwayReason)
            return
        }
        defer {
            hub.unregister(connection)
            connection.finish()
        }
        let alreadySent = try await sendHistory(to: outbound, admission: admission)
        connection.goLive(skipping: alreadySent)

        // One reader task; this one waits for the end: the client went (the reader ends
        // and finishes the connection), or the socket fell behind, the server drains or
        // the session ended (the connection wakes this task, which stops the reader).
        try await readLoop(inbound: inbound, connection: connection, room: room, user: identity.user, logger: logger)
        connection.finish()
        if connection.hasOverflowed {
            logger.warning("closed slow socket: it stopped reading", metadata: ["buffer_frames": "\(settings.outboundBufferFrames)"])
        } else if let reason = connection.sessionEndReason {
            logger.notice("closed socket: session ended", metadata: ["reason": "\(reason)"])
            try? await outbound.close(.policyViolation, reason: reason)
        } else if connection.isGoingAway {
            try? await outbound.close(.goingAway, reason: Self.goingAwayReason)
        }
    }

    /// The first frames: the recent messages (newest first, one frame), or for a resuming
    /// client every message it missed (oldest first, one frame each) or a resync frame and
    /// then the recent messages. Returns the ids sent, so live copies of them are skipped.
    private func sendHistory(to outbound: WebSocketOutboundWriter, admission: Admission) async throws -> Set<ObjectID> {
        let join = JoinRoom(ports: ports)
        func write(_ payload: ByteBuffer) async throws {
            try await outbound.write(.custom(.init(fin: true, opcode: .text, data: payload)))
        }
        guard let since = admission.since else {
            let joined = try await join(room: admission.room, user: admission.identity.user)
            try await write(FrameEncoder.historyFrame(joined.recentMessages))
            return Set(joined.recentMessages.map(\.id))
        }
        switch try await join.resume(room: admission.room, user: admission.identity.user, after: since, limit: settings.resumeLimit) {
        case .missed(let messages):
            for message in messages { try await write(FrameEncoder.messageFrame(message)) }
            return Set(messages.map(\.id))
        case .resync(let reason, let recent):
            try await write(FrameEncoder.resyncFrame(reason: reason))
            try await write(FrameEncoder.historyFrame(recent))
            return Set(recent.map(\.id))
        }
    }

    private func readLoop(
        inbound: WebSocketInboundStream, connection: RoomConnection, room: Room, user: User, logger: Logger
    ) async throws {
        let post = PostMessage(ports: ports)
        var bucket = settings.messageRateLimit > 0 ? TokenBucket(rate: settings.messageRateLimit, burst: settings.messageRateBurst) : nil
        for try await message in inbound.messages(maxSize: settings.maxFrameBytes) {
            // Every frame counts, valid or not: a flood is refused before any work.
            if bucket?.allow(now: DispatchTime.now().uptimeNanoseconds) == false {
                connection.send(.init(buffer: FrameEncoder.errorFrame(rateLimitMessage)))
                continue
            }
            // A drain lets the post in flight finish and starts no new one (frames that
            // arrive meanwhile are dropped; the socket closes with 1001 once flushed).
            guard connection.beginPost() else { continue }
            defer { connection.endPost() }
            let text: String
            switch message {
            case .text(let string):
                text = string
            case .binary:
                connection.send(.init(buffer: FrameEncoder.errorFrame("binary frames are not supported; send JSON text")))
                continue
            }
            await handle(text, post: post, connection: connection, room: room, user: user, logger: logger)
        }
    }

    /// Posts one text frame. Kept out of `readLoop` on purpose: a task keeps its largest
    /// frame stack for life, so a socket that never posts should never have had the
    /// posting path's frames inlined into its read loop.
    @inline(never)
    private func handle(_ text: String, post: PostMessage, connection: RoomConnection, room: Room, user: User, logger: Logger) async {
        do {
            let frame = try Self.decodeInbound(text)
            let posted = try await post.post(content: frame.content, clientID: frame.clientID, from: user, in: room)
            // A resend of a stored message: only its sender hears of it again (an ack).
            if posted.isRepeat { connection.send(.init(buffer: FrameEncoder.messageFrame(posted.message))) }
        } catch let error as ChatError {
            if let detail = error.detail { logger.error("posting failed", metadata: ["error": "\(error.message)", "detail": "\(detail)"]) }
            connection.send(.init(buffer: FrameEncoder.errorFrame(error.message)))
        } catch {
            logger.error("posting failed", metadata: ["error": "\(error)"])
            connection.send(.init(buffer: FrameEncoder.errorFrame("message could not be stored; try again")))
        }
    }

    /// The error frame's text when a socket posts faster than allowed.
    var rateLimitMessage: String {
        let rate = settings.messageRateLimit
        let perSecond = rate == rate.rounded() ? String(Int(rate)) : String(rate)
        return "rate limit exceeded: at most \(perSecond) messages a second (bursts of \(settings.messageRateBurst)); message not stored"
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
