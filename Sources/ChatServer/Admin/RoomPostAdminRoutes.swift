import ChatCore
import Hummingbird
import Logging

/// `POST /admin/rooms/<room id>/messages`: an operator's announcement (`chatctl post`),
/// posted by this node through `PostMessage.announce`, the path of a client's post —
/// stored with the room's next `seq`, its event on this node's event queue (the
/// notifications), cached, and fanned out by this node's fan-out: its own sockets, and
/// with Redis every node's. On the embedded default the fan-out lives inside the serving
/// process, which is why `chatctl` asks a node rather than posting itself.
///
/// The body is `AnnouncementRequest`: `{"system":true,"content":"…"}` or
/// `{"as":"<user id>","content":"…"}`, with an optional `client_id` (the same one is stored
/// once, so `chatctl` may retry on another node). Answers 200 with the stored message
/// (`PostedMessageRecord`); 400 for a malformed body, room id or content; 404 for an
/// unknown room or user; 403 for a user who may not post there (not a member, disabled,
/// banned, muted in the room).
public struct RoomPostAdminRoutes: AdminRoutes {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// The stored message as the answer's whole body.
    struct Answer: ResponseEncodable {
        var record: PostedMessageRecord

        func encode(to encoder: any Encoder) throws { try record.encode(to: encoder) }
    }

    public func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        let ports = self.ports
        group.post("rooms/:room/messages") { request, context -> Answer in
            let text = try context.parameters.require("room")
            guard let roomID = ObjectID(hex: text) else { throw ChatError.invalid("room", "room must be a room id (24 hex digits)") }
            let body = try await JSONBody.decode(AnnouncementRequest.self, from: request, context: context)
            let announcer = try body.announcer()
            guard let room = try await ports.store.room(id: roomID) else { throw ChatError.announcementRoomNotFound(roomID) }
            let posted = try await PostMessage(ports: ports).announce(content: body.content, clientID: body.clientID, as: announcer, in: room)
            context.logger.notice("announcement posted", metadata: [
                "room": "\(room.name)", "message_id": "\(posted.message.id)", "sender": "\(posted.message.shownSenderName)",
                "system": "\(posted.message.isSystem)", "repeat": "\(posted.isRepeat)",
                "operator": "\(context.operatorClaims?.subject ?? "")",
            ])
            return Answer(record: PostedMessageRecord(posted))
        }
    }
}
