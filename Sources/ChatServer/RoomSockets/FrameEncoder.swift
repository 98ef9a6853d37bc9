import ChatCore
import Foundation
import NIOCore

/// Writes the chat frames' JSON by hand: one encoding per message, shared by every
/// socket of the room, with no Foundation encoder on the hot path.
///
/// A message frame is
/// `{"type":"message","content":…,"id":…,"room":…,"room_id":…,"sender":…,"sender_id":…,"timestamp":…}`
/// with the timestamp in RFC 3339 UTC with milliseconds, plus `"seq"` (the message's
/// place in its room) once stored, `"client_id"` when the sender gave one,
/// `"redacted":true` (with `"content":""`) once redacted and `"system":true` (with
/// `"sender":"system"`) for a system message (`chatctl post --system`); a user's message
/// carries none of the last two, byte for byte as before. Moderation frames are
/// `{"type":"deleted"|"redacted","id":…,"room":…,"room_id":…}`; a gentle drain's last
/// frame is `{"type":"reconnect","since":…,"reason":…}`.
enum FrameEncoder {
    static func messageFrame(_ message: Message) -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(message.content.utf8.count + 200)
        appendMessage(message, to: &bytes)
        return ByteBuffer(bytes: bytes)
    }

    /// A whole unmasked WebSocket text frame (header and payload) as the server sends it:
    /// built once per message and written as is to every socket of the room.
    static func wireFrame(_ payload: ByteBuffer) -> ByteBuffer {
        let length = payload.readableBytes
        var wire = ByteBuffer()
        wire.reserveCapacity(length + 10)
        wire.writeInteger(UInt8(0x81))  // FIN, text
        if length < 126 {
            wire.writeInteger(UInt8(length))
        } else if length <= Int(UInt16.max) {
            wire.writeInteger(UInt8(126))
            wire.writeInteger(UInt16(length))
        } else {
            wire.writeInteger(UInt8(127))
            wire.writeInteger(UInt64(length))
        }
        var body = payload
        wire.writeBuffer(&body)
        return wire
    }

    /// The join frame: a JSON array of messages, newest first.
    static func historyFrame(_ messages: [Message]) -> ByteBuffer {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, message) in messages.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendMessage(message, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        return ByteBuffer(bytes: bytes)
    }

    /// `{"type":"resync","reason":"…"}`: a resuming client's last message is gone; the
    /// recent-messages frame follows.
    static func resyncFrame(reason: String) -> ByteBuffer {
        var bytes: [UInt8] = Array(#"{"type":"resync","reason":"#.utf8)
        appendString(reason, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return ByteBuffer(bytes: bytes)
    }

    /// `{"type":"reconnect","since":"<message id>","reason":"…"}`: the node is draining;
    /// the client reconnects (the balancer sends it to another node) with `since=<that
    /// id>` and gets exactly the messages after it. No `since` when the socket was sent no
    /// message (a notification socket never has one): the client joins afresh.
    static func reconnectFrame(since: ObjectID?, reason: String) -> ByteBuffer {
        var bytes: [UInt8] = Array(#"{"type":"reconnect""#.utf8)
        if let since {
            bytes.append(contentsOf: #","since":""#.utf8)
            bytes.append(contentsOf: since.hex.utf8)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(contentsOf: #","reason":"#.utf8)
        appendString(reason, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return ByteBuffer(bytes: bytes)
    }

    /// `{"type":"deleted"|"redacted","id":…,"room":…,"room_id":…}`: a message of the room
    /// was deleted, or its content removed (the type is the notice's kind).
    static func moderationFrame(_ kind: ModerationNotice.Kind, messageID: ObjectID, roomName: String, roomID: ObjectID) -> ByteBuffer {
        var bytes: [UInt8] = Array(#"{"type":"#.utf8)
        appendString(kind.rawValue, to: &bytes)
        bytes.append(contentsOf: #","id":""#.utf8)
        bytes.append(contentsOf: messageID.hex.utf8)
        bytes.append(contentsOf: #"","room":"#.utf8)
        appendString(roomName, to: &bytes)
        bytes.append(contentsOf: #","room_id":""#.utf8)
        bytes.append(contentsOf: roomID.hex.utf8)
        bytes.append(contentsOf: #""}"#.utf8)
        return ByteBuffer(bytes: bytes)
    }

    /// `{"error":"…"}`.
    static func errorFrame(_ text: String) -> ByteBuffer {
        var bytes: [UInt8] = Array(#"{"error":"#.utf8)
        appendString(text, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return ByteBuffer(bytes: bytes)
    }

    static func appendMessage(_ message: Message, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"type":"message","content":"#.utf8)
        // Redacted: no content, whatever a copy of the message carries.
        appendString(message.isRedacted ? "" : message.content, to: &bytes)
        bytes.append(contentsOf: #","id":""#.utf8)
        bytes.append(contentsOf: message.id.hex.utf8)
        bytes.append(contentsOf: #"","room":"#.utf8)
        appendString(message.roomName, to: &bytes)
        bytes.append(contentsOf: #","room_id":""#.utf8)
        bytes.append(contentsOf: message.roomID.hex.utf8)
        bytes.append(contentsOf: #"","sender":"#.utf8)
        appendString(message.shownSenderName, to: &bytes)
        bytes.append(contentsOf: #","sender_id":""#.utf8)
        bytes.append(contentsOf: message.senderID.hex.utf8)
        bytes.append(contentsOf: #"","timestamp":""#.utf8)
        bytes.append(contentsOf: RFC3339.string(from: message.timestamp).utf8)
        bytes.append(UInt8(ascii: "\""))
        if message.sequence > 0 {
            bytes.append(contentsOf: #","seq":"#.utf8)
            bytes.append(contentsOf: String(message.sequence).utf8)
        }
        if let clientID = message.clientID {
            bytes.append(contentsOf: #","client_id":"#.utf8)
            appendString(clientID, to: &bytes)
        }
        if message.isRedacted { bytes.append(contentsOf: #","redacted":true"#.utf8) }
        if message.isSystem { bytes.append(contentsOf: #","system":true"#.utf8) }
        bytes.append(UInt8(ascii: "}"))
    }

    /// A JSON string literal (RFC 8259 escaping), quotes included.
    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
