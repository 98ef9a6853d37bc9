import Foundation

/// A message an announcement stored, as the operator API answers
/// `POST /admin/rooms/<room id>/messages` and `chatctl post` reads it back: the fields of
/// its room frame — `id`, `room`, `room_id`, `sender`, `sender_id`, `content`,
/// `timestamp` (RFC 3339), `seq`, `client_id` when given, `system` — plus `repeat`: the
/// client id had stored it before, so nothing was stored or broadcast again.
public struct PostedMessageRecord: Sendable, Hashable, Codable {
    public var message: Message
    public var isRepeat: Bool

    public init(message: Message, isRepeat: Bool) {
        self.message = message
        self.isRepeat = isRepeat
    }

    public init(_ posted: PostMessage.Posted) {
        self.init(message: posted.message, isRepeat: posted.isRepeat)
    }

    enum CodingKeys: String, CodingKey {
        case id, room, roomID = "room_id", sender, senderID = "sender_id", content, timestamp, seq, clientID = "client_id", system
        case isRepeat = "repeat"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .timestamp)
        guard let timestamp = RFC3339.date(from: text) else {
            throw DecodingError.dataCorruptedError(forKey: .timestamp, in: container, debugDescription: "'\(text)' is not an RFC 3339 time")
        }
        message = Message(
            id: try container.decode(ObjectID.self, forKey: .id),
            roomID: try container.decode(ObjectID.self, forKey: .roomID),
            roomName: try container.decode(String.self, forKey: .room),
            senderID: try container.decode(ObjectID.self, forKey: .senderID),
            senderName: try container.decode(String.self, forKey: .sender),
            content: try container.decode(String.self, forKey: .content),
            timestamp: timestamp,
            sequence: try container.decodeIfPresent(Int64.self, forKey: .seq) ?? 0,
            clientID: try container.decodeIfPresent(String.self, forKey: .clientID))
        isRepeat = try container.decodeIfPresent(Bool.self, forKey: .isRepeat) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message.id, forKey: .id)
        try container.encode(message.roomName, forKey: .room)
        try container.encode(message.roomID, forKey: .roomID)
        try container.encode(message.shownSenderName, forKey: .sender)
        try container.encode(message.senderID, forKey: .senderID)
        try container.encode(message.content, forKey: .content)
        try container.encode(RFC3339.string(from: message.timestamp), forKey: .timestamp)
        try container.encode(message.sequence, forKey: .seq)
        try container.encodeIfPresent(message.clientID, forKey: .clientID)
        try container.encode(message.isSystem, forKey: .system)
        try container.encode(isRepeat, forKey: .isRepeat)
    }
}
