import Foundation

/// Deterministic notification ids: the same event delivered twice yields the same id
/// per receiver, so storing is idempotent without a lookup.
///
/// Layout (12 bytes, a valid ObjectId): the event's timestamp in seconds (so ids still
/// sort roughly by time), then FNV-1a-64 of the event key and the receiver id.
public enum NotificationID {
    public static func make(eventKey: [UInt8], receiver: ObjectID, timestamp: Date) -> ObjectID {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in eventKey + receiver.bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return ObjectID(timestampBits: UInt32(clamping: Int64(timestamp.timeIntervalSince1970)), tailBits: hash)
    }

    /// The key that identifies an event: its message id, or — when the id is all zeros,
    /// as the Go chat service publishes before the id is known — the event's raw bytes
    /// (a redelivery carries the same bytes).
    public static func eventKey(for event: MessageEvent, rawBody: [UInt8]) -> [UInt8] {
        event.id.bytes.allSatisfy { $0 == 0 } ? Array("raw:".utf8) + rawBody : Array("id:".utf8) + event.id.bytes
    }
}
