import ChatCore
import Hummingbird

/// `POST /api/room/create/` and `GET /api/room/list/`, answering as the Go service did:
/// plain text for create (`room created`, `room already exists`), a JSON object
/// `{room name: connected count}` for list.
struct RoomController {
    let ports: ChatPorts
    let hub: RoomHub
    /// Where `limits.rooms_per_user` (0: none) is read at each create.
    let live: LiveSettings

    struct CreateRoomRequest: Decodable {
        var name: String?
    }

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.post("create", use: create)
        group.get("list", use: list)
    }

    @Sendable func create(request: Request, context: ChatRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(CreateRoomRequest.self, from: request, context: context)
        let creator = try context.requireIdentity().user
        do {
            let name = try InputRules.validateRoomName(body.name)
            try await RoomLimit(roomsPerUser: live.current.roomsPerUser).check(creator.id, in: ports.store)
            _ = try await CreateRoom(ports: ports)(name: name, creator: creator)
        } catch let error as ChatError where error == .roomExists {
            throw TextError(status: .badRequest, message: error.message)
        } catch let error as ChatError where error.kind == .invalidInput {
            throw TextError(status: .badRequest, message: error.message)
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "room created")))
    }

    /// Encodes as a bare JSON object, room name → connected sockets.
    struct RoomCounts: ResponseEncodable {
        var counts: [String: Int]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(counts)
        }
    }

    @Sendable func list(request: Request, context: ChatRequestContext) async throws -> RoomCounts {
        let summaries = try await ListRooms(ports: ports)(connectedCount: hub.connectedCount(room:))
        return RoomCounts(counts: Dictionary(summaries.map { ($0.room.name, $0.connectedCount) }, uniquingKeysWith: { first, _ in first }))
    }
}
