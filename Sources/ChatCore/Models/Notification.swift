import Foundation

/// A stored notification for one room member about a message posted by another.
public struct ChatNotification: Sendable, Hashable, Codable {
    public var id: ObjectID
    public var content: String
    public var senderID: ObjectID
    public var roomID: ObjectID
    public var receiverID: ObjectID
    public var seen: Bool
    public var timestamp: Date

    public init(
        id: ObjectID = ObjectID(),
        content: String,
        senderID: ObjectID,
        roomID: ObjectID,
        receiverID: ObjectID,
        seen: Bool = false,
        timestamp: Date = Date()
    ) {
        self.id = id
        self.content = content
        self.senderID = senderID
        self.roomID = roomID
        self.receiverID = receiverID
        self.seen = seen
        self.timestamp = timestamp.truncatedToMilliseconds
    }
}
