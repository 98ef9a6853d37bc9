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
