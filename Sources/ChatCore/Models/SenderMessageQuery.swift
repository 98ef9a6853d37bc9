import Foundation

/// Which of one user's messages a purge acts on (`chatctl users purge-messages`): every
/// room or one, and a time range.
public struct SenderMessageQuery: Sendable, Equatable {
    /// The user who sent them.
    public var sender: ObjectID
    /// Only this room (nil: every room).
    public var room: ObjectID?
    /// From this time (inclusive).
    public var from: Date?
    /// Up to this time (exclusive).
    public var to: Date?
    /// Leave out the messages already redacted: what a redaction has left to do, so a
    /// rerun goes on where the last one stopped.
    public var unredactedOnly: Bool

    public init(sender: ObjectID, room: ObjectID? = nil, from: Date? = nil, to: Date? = nil, unredactedOnly: Bool = false) {
        self.sender = sender
        self.room = room
        self.from = from
        self.to = to
        self.unredactedOnly = unredactedOnly
    }

    /// Whether `message` is one of them (for stores that filter in memory).
    public func matches(_ message: Message) -> Bool {
        message.senderID == sender && (room.map { message.roomID == $0 } ?? true)
            && (from.map { message.timestamp >= $0 } ?? true) && (to.map { message.timestamp < $0 } ?? true)
            && !(unredactedOnly && message.isRedacted)
    }
}
