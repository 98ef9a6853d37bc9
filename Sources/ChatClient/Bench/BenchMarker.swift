/// What a bench message carries so every receiver can account for it:
/// `cb:<nonce>:<sender>:<seq>:<send-ns>:` then `x` padding up to the payload size.
/// The nonce is per run, so history from earlier runs is never counted.
public struct BenchMarker: Sendable, Equatable {
    public var sender: Int
    public var sequence: Int
    /// Monotonic send time in nanoseconds (same clock as the receivers: same process).
    public var sentNanos: UInt64

    public init(sender: Int, sequence: Int, sentNanos: UInt64) {
        self.sender = sender
        self.sequence = sequence
        self.sentNanos = sentNanos
    }

    /// The content to post: the marker, padded with `x` to `payload` bytes (never cut).
    public static func content(nonce: String, marker: BenchMarker, payload: Int) -> String {
        let head = "cb:\(nonce):\(marker.sender):\(marker.sequence):\(marker.sentNanos):"
        return head.utf8.count >= payload ? head : head + String(repeating: "x", count: payload - head.utf8.count)
    }

    /// Every marker of this run in a frame (wrapped in JSON, several per frame, or none).
    public static func markers(in frame: String, nonce: String) -> [BenchMarker] {
        let prefix = Array("cb:\(nonce):".utf8)
        var found: [BenchMarker] = []
        var bytes = Array(frame.utf8)[...]
        while let start = firstIndex(of: prefix, in: bytes) {
            var index = start + prefix.count
            var fields: [UInt64] = []
            fields.reserveCapacity(3)
            while fields.count < 3 {
                var value: UInt64 = 0
                var digits = 0
                while index < bytes.endIndex, let digit = Self.digit(bytes[index]) {
                    value = value &* 10 &+ digit
                    digits += 1
                    index += 1
                }
                guard digits > 0, index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { break }
                fields.append(value)
                index += 1
            }
            if fields.count == 3, let sender = Int(exactly: fields[0]), let sequence = Int(exactly: fields[1]) {
                found.append(BenchMarker(sender: sender, sequence: sequence, sentNanos: fields[2]))
            }
            bytes = bytes[max(index, start + 1)...]
        }
        return found
    }

    private static func digit(_ byte: UInt8) -> UInt64? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? UInt64(byte - UInt8(ascii: "0")) : nil
    }

    private static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
