/// Payloads for the cases: chat messages the room socket takes (and echoes), whole or in
/// fragments.
enum ConformancePayload {
    /// `{"type":"message","content":"<content>"}` (`content` as is: no quotes or
    /// backslashes in it), padded with spaces after the object to `length` bytes if given.
    static func message(_ content: String, length: Int? = nil) -> [UInt8] {
        message(bytes: Array(content.utf8), length: length)
    }

    /// The same with raw content bytes (invalid UTF-8 included).
    static func message(bytes content: [UInt8], length: Int? = nil) -> [UInt8] {
        var payload = Array(#"{"type":"message","content":""#.utf8) + content + Array(#""}"#.utf8)
        if let length {
            precondition(length >= payload.count, "a message of \(payload.count) bytes cannot be padded to \(length)")
            payload += Array(repeating: UInt8(ascii: " "), count: length - payload.count)
        }
        return payload
    }

    /// `payload` as a fragmented message: a first frame of `opcode`, then continuations,
    /// cut at `cuts` (offsets into the payload).
    static func fragments(_ payload: [UInt8], cutAt cuts: [Int], opcode: UInt8 = RawFrame.Opcode.text) -> [RawFrame] {
        let bounds = [0] + cuts + [payload.count]
        return (0..<(bounds.count - 1)).map { index in
            RawFrame(
                fin: index == bounds.count - 2, opcode: index == 0 ? opcode : RawFrame.Opcode.continuation,
                payload: Array(payload[bounds[index]..<bounds[index + 1]]))
        }
    }

    /// `payload` in fragments of `size` bytes (the last may be shorter).
    static func fragments(_ payload: [UInt8], every size: Int, opcode: UInt8 = RawFrame.Opcode.text) -> [RawFrame] {
        fragments(payload, cutAt: Array(stride(from: size, to: payload.count, by: size)), opcode: opcode)
    }

    /// `count` bytes of a repeating pattern.
    static func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }
}
