/// A BSON ObjectId: 12 bytes, big-endian, shown as 24 hex characters.
public struct BSONObjectID: Sendable, Hashable, CustomStringConvertible {
    /// Exactly 12 bytes.
    public let bytes: [UInt8]

    /// - Precondition: `bytes.count == 12`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 12, "an ObjectId has 12 bytes")
        self.bytes = bytes
    }

    public var description: String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }
}
