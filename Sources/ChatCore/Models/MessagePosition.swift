import Foundation

/// Where a message stands in time order: its time, then its id (ObjectIds compare as
/// their bytes, as every store sorts them). The place a page of messages read oldest
/// first ends, so the next page starts right after it: no message is skipped or read
/// twice, also when many share a millisecond.
public struct MessagePosition: Sendable, Hashable, Comparable {
    /// Millisecond precision, as stores keep it.
    public var timestamp: Date
    public var id: ObjectID

    public init(timestamp: Date, id: ObjectID) {
        self.timestamp = timestamp.truncatedToMilliseconds
        self.id = id
    }

    /// The position of `message`.
    public init(_ message: Message) {
        self.init(timestamp: message.timestamp, id: message.id)
    }

    public static func < (lhs: MessagePosition, rhs: MessagePosition) -> Bool {
        (lhs.timestamp, lhs.id) < (rhs.timestamp, rhs.id)
    }
}
