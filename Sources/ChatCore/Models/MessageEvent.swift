import Foundation

/// The event the chat service emits for every stored message (queue `send_notification`).
///
/// Its JSON is the Go service's: `{"ID","Content","SenderID","RoomID","Timestamp"}`
/// (Go marshals an untagged struct with its field names), plus `RoomName` and `SenderName`.
public struct MessageEvent: Sendable, Hashable, Codable {
    public var id: ObjectID
    public var content: String
    public var senderID: ObjectID
    public var roomID: ObjectID
    public var timestamp: Date
    public var roomName: String?
    public var senderName: String?

    enum CodingKeys: String, CodingKey {
        case id = "ID", content = "Content", senderID = "SenderID", roomID = "RoomID", timestamp = "Timestamp"
        case roomName = "RoomName", senderName = "SenderName"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(ObjectID.self, forKey: .id)
        content = try container.decode(String.self, forKey: .content)
        senderID = try container.decode(ObjectID.self, forKey: .senderID)
        roomID = try container.decode(ObjectID.self, forKey: .roomID)
        let text = try container.decode(String.self, forKey: .timestamp)
        guard let date = RFC3339.date(from: text) else {
            throw DecodingError.dataCorruptedError(forKey: .timestamp, in: container, debugDescription: "not an RFC 3339 timestamp")
        }
        timestamp = date.truncatedToMilliseconds
        roomName = try container.decodeIfPresent(String.self, forKey: .roomName)
        senderName = try container.decodeIfPresent(String.self, forKey: .senderName)
    }

    /// `Timestamp` is written as RFC 3339, as Go marshals `time.Time`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(content, forKey: .content)
        try container.encode(senderID, forKey: .senderID)
        try container.encode(roomID, forKey: .roomID)
        try container.encode(RFC3339.string(from: timestamp), forKey: .timestamp)
        try container.encodeIfPresent(roomName, forKey: .roomName)
        try container.encodeIfPresent(senderName, forKey: .senderName)
    }

    public init(message: Message) {
        id = message.id
        content = message.content
        senderID = message.senderID
        roomID = message.roomID
        timestamp = message.timestamp
        roomName = message.roomName
        senderName = message.senderName
    }
}
