/// One WebSocket frame exactly as it goes on the wire, any bit of it (RFC 6455 §5.2):
/// what a conformance case sends (fin, reserved bits, any opcode, masked or not, a
/// length header that need not match the payload) and what the server sent back.
struct RawFrame: Sendable, Equatable, CustomStringConvertible {
    /// The opcodes (§5.2, §11.8); the others are reserved.
    enum Opcode {
        static let continuation: UInt8 = 0x0
        static let text: UInt8 = 0x1
        static let binary: UInt8 = 0x2
        static let close: UInt8 = 0x8
        static let ping: UInt8 = 0x9
        static let pong: UInt8 = 0xA
    }

    /// The masking key of every client frame unless a case says otherwise (the key of
    /// RFC 6455 §5.7's examples).
    static let clientMask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    var fin = true
    /// The reserved bits as Autobahn numbers them: RSV1 = 4, RSV2 = 2, RSV3 = 1.
    var rsv: UInt8 = 0
    var opcode: UInt8
    /// Nil: not masked (as a server sends, and a client must not).
    var mask: [UInt8]? = RawFrame.clientMask
    /// Unmasked.
    var payload: [UInt8] = []
    /// The length the header announces, when it is not the payload's.
    var announcedLength: UInt64?

    var isControl: Bool { opcode & 0x8 != 0 }
    var isData: Bool { opcode == Opcode.continuation || opcode == Opcode.text || opcode == Opcode.binary }

    /// The close frame's code, if it has one (two bytes at least).
    var closeCode: UInt16? {
        guard opcode == Opcode.close, payload.count >= 2 else { return nil }
        return UInt16(payload[0]) << 8 | UInt16(payload[1])
    }

    /// The close frame's reason, raw.
    var closeReason: [UInt8] { opcode == Opcode.close ? Array(payload.dropFirst(2)) : [] }

    var description: String {
        var flags = fin ? "fin" : "no-fin"
        if rsv != 0 { flags += " rsv=\(rsv)" }
        if mask != nil { flags += " masked" }
        let text = String(decoding: payload.prefix(40), as: UTF8.self)
        return "[opcode \(opcode) \(flags), \(payload.count) bytes: \(text)\(payload.count > 40 ? "…" : "")]"
    }

    // MARK: Frames a case sends

    static func text(_ text: String, fin: Bool = true) -> RawFrame { RawFrame(fin: fin, opcode: Opcode.text, payload: Array(text.utf8)) }
    static func text(bytes: [UInt8], fin: Bool = true) -> RawFrame { RawFrame(fin: fin, opcode: Opcode.text, payload: bytes) }
    static func binary(_ bytes: [UInt8], fin: Bool = true) -> RawFrame { RawFrame(fin: fin, opcode: Opcode.binary, payload: bytes) }
    static func continuation(_ text: String, fin: Bool) -> RawFrame { RawFrame(fin: fin, opcode: Opcode.continuation, payload: Array(text.utf8)) }
    static func continuation(bytes: [UInt8], fin: Bool) -> RawFrame { RawFrame(fin: fin, opcode: Opcode.continuation, payload: bytes) }
    static func ping(_ bytes: [UInt8] = []) -> RawFrame { RawFrame(opcode: Opcode.ping, payload: bytes) }
    static func ping(_ text: String) -> RawFrame { ping(Array(text.utf8)) }
    static func pong(_ bytes: [UInt8] = []) -> RawFrame { RawFrame(opcode: Opcode.pong, payload: bytes) }

    /// A close frame with `code` (nil: an empty one) and a raw `reason`.
    static func close(_ code: UInt16?, reason: [UInt8] = []) -> RawFrame {
        guard let code else { return RawFrame(opcode: Opcode.close, payload: reason) }
        return RawFrame(opcode: Opcode.close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    static func close(_ code: UInt16, reason: String) -> RawFrame { close(code, reason: Array(reason.utf8)) }

    /// This frame with other reserved bits.
    func withRSV(_ bits: UInt8) -> RawFrame {
        var frame = self
        frame.rsv = bits
        return frame
    }

    /// This frame sent in the clear (no mask bit, no key).
    var unmasked: RawFrame {
        var frame = self
        frame.mask = nil
        return frame
    }

    /// This frame's header announcing `length` payload bytes.
    func announcing(_ length: UInt64) -> RawFrame {
        var frame = self
        frame.announcedLength = length
        return frame
    }

    // MARK: Wire format

    /// The header: first byte, length (7-bit, 16-bit or 64-bit form, the shortest that
    /// fits, §5.2), and the masking key if any.
    func header() -> [UInt8] {
        var first = opcode & 0x0F
        first |= (rsv & 0x07) << 4
        if fin { first |= 0x80 }
        var bytes: [UInt8] = [first]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        let length = announcedLength ?? UInt64(payload.count)
        if length < 126 {
            bytes.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            bytes.append(maskBit | 126)
            bytes += [UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            bytes.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift))) }
        }
        if let mask { bytes += mask }
        return bytes
    }

    /// The whole frame: header, then the payload masked with the key (§5.3).
    func encoded() -> [UInt8] {
        guard let mask else { return header() + payload }
        return header() + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    /// The first whole frame at the start of `bytes`, removed from them; nil while it is
    /// not all there yet.
    static func decode(_ bytes: inout [UInt8]) -> RawFrame? {
        guard bytes.count >= 2 else { return nil }
        var offset = 2
        var length = UInt64(bytes[1] & 0x7F)
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = UInt64(bytes[2]) << 8 | UInt64(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = bytes[2..<10].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            offset = 10
        }
        var mask: [UInt8]?
        if bytes[1] & 0x80 != 0 {
            guard bytes.count >= offset + 4 else { return nil }
            mask = Array(bytes[offset..<offset + 4])
            offset += 4
        }
        guard length <= UInt64(bytes.count - offset) else { return nil }
        let end = offset + Int(length)
        var payload = Array(bytes[offset..<end])
        if let mask {
            for index in payload.indices { payload[index] ^= mask[index % 4] }
        }
        let first = bytes[0]
        bytes.removeFirst(end)
        return RawFrame(fin: first & 0x80 != 0, rsv: (first >> 4) & 0x07, opcode: first & 0x0F, mask: mask, payload: payload)
    }
}
