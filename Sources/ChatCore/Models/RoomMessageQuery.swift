import Foundation

/// Which of a room's messages an export reads (`chatctl rooms export`): a time range,
/// after a position, oldest first by time then id.
public struct RoomMessageQuery: Sendable, Equatable {
    public var room: ObjectID
    /// From this time (inclusive).
    public var from: Date?
    /// Up to this time (exclusive).
    public var to: Date?
    /// Only the messages after this position (the last message of the previous page).
    public var after: MessagePosition?

    public init(room: ObjectID, from: Date? = nil, to: Date? = nil, after: MessagePosition? = nil) {
        self.room = room
        self.from = from
        self.to = to
        self.after = after
    }

    /// Whether `message` is one of them (for stores that filter in memory).
    public func matches(_ message: Message) -> Bool {
        message.roomID == room && (from.map { message.timestamp >= $0 } ?? true) && (to.map { message.timestamp < $0 } ?? true)
            && (after.map { MessagePosition(message) > $0 } ?? true)
    }
}
