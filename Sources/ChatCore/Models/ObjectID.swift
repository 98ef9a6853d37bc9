import Foundation
import Synchronization

/// A 12-byte MongoDB-compatible ObjectId, generated in Swift for every backend.
///
/// Layout (as MongoDB's drivers make them): 4 bytes of big-endian Unix seconds,
/// 5 bytes of per-process randomness, 3 bytes of a big-endian counter that starts
/// at a random value. Encoded in JSON as 24 lowercase hex characters.
public struct ObjectID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Bytes 0..<4: the creation time in seconds, big-endian.
    public let timestampBits: UInt32
    /// Bytes 4..<12, big-endian.
    public let tailBits: UInt64

    /// Makes an ObjectID from its two big-endian halves.
    public init(timestampBits: UInt32, tailBits: UInt64) {
        self.timestampBits = timestampBits
        self.tailBits = tailBits
    }

    /// Makes a new, unique ObjectID for the given creation time.
    public init(date: Date = Date()) {
        let seconds = UInt32(truncatingIfNeeded: Int64(date.timeIntervalSince1970.rounded(.down)))
        let count = UInt64(ObjectID.counter.add(1, ordering: .relaxed).newValue & 0x00FF_FFFF)
        self.init(timestampBits: seconds, tailBits: (ObjectID.processUnique << 24) | count)
    }

    /// Parses 24 hex characters; nil for anything else.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 24 else { return nil }
        var high: UInt32 = 0
        var low: UInt64 = 0
        for (index, char) in utf8.enumerated() {
            guard let nibble = ObjectID.nibble(char) else { return nil }
            if index < 8 {
                high = high << 4 | UInt32(nibble)
            } else {
                low = low << 4 | UInt64(nibble)
            }
        }
        self.init(timestampBits: high, tailBits: low)
    }

    /// Makes an ObjectID from exactly 12 bytes; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 12 else { return nil }
        var high: UInt32 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 4 { high = high << 8 | UInt32(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(timestampBits: high, tailBits: low)
    }

    /// The 12 bytes, big-endian, as stored by MongoDB.
    public var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(12)
        for shift in stride(from: 24, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: timestampBits >> UInt32(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: tailBits >> UInt64(shift))) }
        return result
    }

    /// 24 lowercase hex characters.
    public var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var index = 0
            for byte in bytes {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0F)]
                index += 2
            }
            return 24
        }
    }

    /// The creation time encoded in the first four bytes.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(timestampBits)) }

    public var description: String { hex }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        (lhs.timestampBits, lhs.tailBits) < (rhs.timestampBits, rhs.tailBits)
    }

    private static let processUnique: UInt64 = UInt64.random(in: 0...0xFF_FFFF_FFFF)
    private static let counter = Atomic<UInt32>(UInt32.random(in: 0...0x00FF_FFFF))

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension ObjectID: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = ObjectID(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 24-character hex ObjectId")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
