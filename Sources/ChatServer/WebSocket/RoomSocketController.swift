import ChatCore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// `GET /ws/join/?name=ROOM`: a room over WebSocket.
///
/// The upgrade happens only for an authenticated user and an existing room (else 401,
/// or 400 `room does not exist` as the Go service answered). The client first gets one
/// frame with the recent messages (newest first), then every message of the room.
/// It sends `{"type":"message","content":"…"}`; a bad frame gets `{"error":"…"}` and
/// the socket stays open.
struct RoomSocketController {
    let ports: ChatPorts
    let hub: RoomHub
    let settings: ChatServerSettings

    struct InboundFrame: Decodable {
        var type: String?
        var content: String?
    }

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.ws("join", shouldUpgrade: shouldUpgrade, onUpgrade: handle)
    }

    @Sendable func shouldUpgrade(request: Request, context: ChatRequestContext) async throws -> RouterShouldUpgrade {
        _ = try context.requireIdentity()
        do {
            _ = try await JoinRoom(ports: ports).findRoom(named: request.uri.queryParameters.get("name"))
        } catch let error as ChatError where error.kind == .notFound || error.kind == .invalidInput {
            throw TextError(status: .badRequest, message: error.kind == .notFound ? error.message : "Please provide a room name")
        }
        guard request.headers[.upgrade]?.lowercased() == "websocket" else {
            throw TextError(status: .upgradeRequired, message: "this endpoint needs a WebSocket upgrade")
        }
        return .upgrade([:])
    }

    @Sendable func handle(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        context: WebSocketRouterContext<ChatRequestContext>
    ) async throws {
        let identity = try context.requestContext.requireIdentity()
        var logger = context.logger
        let join = JoinRoom(ports: ports)
        let room = try await join.findRoom(named: context.request.uri.queryParameters.get("name"))
        logger[metadataKey: "room"] = "\(room.name)"
        logger[metadataKey: "user"] = "\(identity.user.username)"

        // Register before reading history so that nothing posted meanwhile is missed;
        // live copies of messages already in the history frame are skipped.
        let connection = RoomConnection(roomID: room.id, userID: identity.user.id, capacity: settings.outboundBufferFrames)
        hub.register(connection)
        defer {
            hub.unregister(connection)
            connection.finish()
        }
        let joined = try await join(room: room, user: identity.user)
        try await outbound.write(.custom(.init(fin: true, opcode: .text, data: FrameEncoder.historyFrame(joined.recentMessages))))
        let alreadySent = Set(joined.recentMessages.map(\.id))
        logger.debug("joined room")
        let socketLogger = logger

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await writeLoop(connection: connection, outbound: outbound, skipping: alreadySent, logger: socketLogger)
            }
            group.addTask {
                try await readLoop(inbound: inbound, connection: connection, room: joined.room, user: identity.user, logger: socketLogger)
            }
            // Whichever side ends first (client gone, or client too slow) ends both.
            try await group.next()
            connection.finish()
            group.cancelAll()
        }
    }

    private func writeLoop(
        connection: RoomConnection, outbound: WebSocketOutboundWriter, skipping alreadySent: Set<ObjectID>, logger: Logger
    ) async throws {
        for await frame in connection.frames {
            if let id = frame.messageID, alreadySent.contains(id) { continue }
            if connection.hasOverflowed { break }
            try await outbound.write(.custom(.init(fin: true, opcode: .text, data: frame.buffer)))
        }
        if connection.hasOverflowed {
            logger.warning("closing slow socket: outbound buffer overflowed", metadata: ["buffer_frames": "\(settings.outboundBufferFrames)"])
            try? await outbound.close(.policyViolation, reason: "too slow: outbound buffer overflowed")
        }
    }

    private func readLoop(
        inbound: WebSocketInboundStream, connection: RoomConnection, room: Room, user: User, logger: Logger
    ) async throws {
        let post = PostMessage(ports: ports)
        for try await message in inbound.messages(maxSize: settings.maxFrameBytes) {
            let text: String
            switch message {
            case .text(let string):
                text = string
            case .binary:
                connection.enqueue(.init(buffer: FrameEncoder.errorFrame("binary frames are not supported; send JSON text")))
                continue
            }
            do {
                let frame = try Self.decodeInbound(text)
                _ = try await post(content: frame.content, from: user, in: room)
            } catch let error as ChatError {
                connection.enqueue(.init(buffer: FrameEncoder.errorFrame(error.message)))
            } catch {
                logger.error("posting failed", metadata: ["error": "\(error)"])
                connection.enqueue(.init(buffer: FrameEncoder.errorFrame("message could not be stored; try again")))
            }
        }
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
