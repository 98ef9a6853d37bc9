import Foundation

/// One message posted in a room.
///
/// `senderName` and `roomName` are carried so that frames and the recent cache need
/// no lookups; the MongoDB layout stores only `{_id, content, sender_id, room_id, timestamp}`.
public struct Message: Sendable, Hashable, Codable {
    public var id: ObjectID
    public var roomID: ObjectID
    public var roomName: String
    public var senderID: ObjectID
    public var senderName: String
    public var content: String
    /// Millisecond precision, as BSON dates hold it.
    public var timestamp: Date
    /// The message's place in its room (1, 2, 3, …), assigned when the store accepts
    /// it; 0 for a message not stored yet (or written by the Go service, which had none).
    public var sequence: Int64
    /// The sending client's own id for this message (`client_id` in its frame), if it
    /// gave one: the same `client_id` from the same sender is stored once.
    public var clientID: String?
    /// Set once the message was redacted (`chatctl messages redact`): its content is
    /// then empty. Stored beside the Go fields, which the Go service ignores.
    public var redaction: Redaction?

    public init(
        id: ObjectID = ObjectID(),
        roomID: ObjectID,
        roomName: String,
        senderID: ObjectID,
        senderName: String,
        content: String,
        timestamp: Date = Date(),
        sequence: Int64 = 0,
        clientID: String? = nil,
        redaction: Redaction? = nil
    ) {
        self.id = id
        self.roomID = roomID
        self.roomName = roomName
        self.senderID = senderID
        self.senderName = senderName
        self.content = content
        self.timestamp = timestamp.truncatedToMilliseconds
        self.sequence = sequence
        self.clientID = clientID
        self.redaction = redaction
    }

    /// Whether the message was redacted (its content is gone).
    public var isRedacted: Bool { redaction != nil }
}

extension Date {
    /// This date with the sub-millisecond part dropped (BSON dates are milliseconds).
    public var truncatedToMilliseconds: Date { Date(millisecondsSince1970: millisecondsSince1970) }

    /// Whole milliseconds since the Unix epoch (sub-millisecond parts dropped).
    ///
    /// A date made from whole milliseconds maps back to the same count even where the
    /// double sits a hair below it (`x.123` stored as `x.12299999…`).
    public var millisecondsSince1970: Int64 {
        let scaled = timeIntervalSince1970 * 1000
        let nearest = scaled.rounded()
        return Int64(abs(scaled - nearest) < 1e-3 ? nearest : scaled.rounded(.down))
    }

    /// The date for a count of milliseconds since the Unix epoch.
    public init(millisecondsSince1970 ms: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(ms) / 1000)
    }
}
