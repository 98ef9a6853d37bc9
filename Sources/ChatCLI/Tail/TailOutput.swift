import ChatCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `chatctl tail` writes: one line per message on stdout, written out as it comes
/// (a `write(2)` per batch, no buffer in between: a reader sees each line at once, and a
/// reader that stalls stalls the tail, which loses nothing), and its notes on stderr.
struct TailOutput: Sendable {
    /// `--json`: one JSON object per line.
    let json: Bool

    /// stdout is gone (its reader closed the pipe): nothing more to print.
    struct Closed: Error {}

    /// One message as `--json` prints it.
    struct Record: Encodable {
        var id: String
        var seq: Int64
        var room: String
        var senderID: String
        var sender: String
        /// Empty once redacted.
        var content: String
        var timestamp: String
        /// Only for a redacted message.
        var redacted: Bool?

        enum CodingKeys: String, CodingKey {
            case id, seq, room, senderID = "sender_id", sender, content, timestamp, redacted
        }

        init(_ message: Message) {
            id = message.id.hex
            seq = message.sequence
            room = message.roomName
            senderID = message.senderID.hex
            sender = message.shownSenderName
            content = message.isRedacted ? "" : message.content
            timestamp = RFC3339.string(from: message.timestamp)
            redacted = message.isRedacted ? true : nil
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static let standardOutput: Int32 = 1

    /// Writes what `FollowRoom` reports: messages on stdout, outages and their ends on stderr.
    func show(_ event: FollowEvent) throws(Closed) {
        switch event {
        case .messages(let messages):
            try emit(messages)
        case .unavailable(.store, let reason):
            Self.note("warning: the store does not answer (\(reason)); retrying, the tail resumes where it stood")
        case .unavailable(.fanout, let reason):
            Self.note("warning: Redis fan-out unavailable (\(reason)); reading the store meanwhile")
        case .recovered(.store):
            Self.note("the store answers again")
        case .recovered(.fanout):
            Self.note("Redis fan-out is back")
        }
    }

    /// Writes `messages`, one line each, in one `write(2)`.
    func emit(_ messages: [Message]) throws(Closed) {
        guard !messages.isEmpty else { return }
        let text = messages.map(line).joined(separator: "\n") + "\n"
        guard Self.put(Array(text.utf8), to: Self.standardOutput) else { throw Closed() }
    }

    /// `time  sender: content` (a redacted message as "(redacted)", line breaks as spaces),
    /// or the JSON object.
    func line(_ message: Message) -> String {
        if json {
            let encoded = (try? Self.encoder.encode(Record(message))) ?? Data("{}".utf8)
            return String(decoding: encoded, as: UTF8.self)
        }
        let sender = message.shownSenderName.isEmpty ? message.senderID.hex : message.shownSenderName
        let content = message.isRedacted ? "(redacted)" : message.content.replacing("\r\n", with: " ").replacing("\n", with: " ")
        return "\(RFC3339.string(from: message.timestamp))  \(sender): \(content)"
    }

    /// A line on stderr, `chatctl tail: …`.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data("chatctl tail: \(text)\n".utf8))
    }

    /// All of `bytes` to `descriptor`, through short writes and interruptions; false when
    /// the descriptor refuses them (a closed pipe).
    private static func put(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
