import Foundation

/// Which of one user's messages a purge acts on (`chatctl users purge-messages`) or an
/// export reads (`chatctl users export`): every room or one, and a time range.
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
    /// Only the messages after this position (paging a read that changes nothing, such as
    /// `chatctl users export`: the last message of the previous page).
    public var after: MessagePosition?

    public init(
        sender: ObjectID, room: ObjectID? = nil, from: Date? = nil, to: Date? = nil, unredactedOnly: Bool = false, after: MessagePosition? = nil
    ) {
        self.sender = sender
        self.room = room
        self.from = from
        self.to = to
        self.unredactedOnly = unredactedOnly
        self.after = after
    }

    /// Whether `message` is one of them (for stores that filter in memory).
    public func matches(_ message: Message) -> Bool {
        message.senderID == sender && (room.map { message.roomID == $0 } ?? true)
            && (from.map { message.timestamp >= $0 } ?? true) && (to.map { message.timestamp < $0 } ?? true)
            && !(unredactedOnly && message.isRedacted) && (after.map { MessagePosition(message) > $0 } ?? true)
    }
}
