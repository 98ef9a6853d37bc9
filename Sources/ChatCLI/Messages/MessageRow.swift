import ChatCore

/// One message as the `messages` commands print it (`--json`: this object).
struct MessageRow: Encodable {
    var id: String
    var room: String
    var roomID: String
    var sender: String
    var senderID: String
    var timestamp: String
    /// Its place in the room (0: written by the Go service, which numbers nothing).
    var seq: Int64
    /// `live` (the room's history) or `archived`.
    var place: String
    /// Empty once redacted.
    var content: String
    /// Only for a redacted message.
    var redaction: Redacted?
    /// `true` for a system message (`chatctl post --system`); absent otherwise.
    var system: Bool?

    struct Redacted: Encodable {
        var at: String
        var by: String
        var reason: String?
    }

    init(_ message: Message, place: LocatedMessage.Place = .live) {
        id = message.id.hex
        room = message.roomName
        roomID = message.roomID.hex
        sender = message.shownSenderName
        senderID = message.senderID.hex
        timestamp = RFC3339.string(from: message.timestamp)
        seq = message.sequence
        self.place = place.rawValue
        content = message.content
        redaction = message.redaction.map { Redacted(at: RFC3339.string(from: $0.at), by: $0.by, reason: $0.reason) }
        system = message.isSystem ? true : nil
    }

    init(_ located: LocatedMessage) { self.init(located.message, place: located.place) }

    /// The content on one line, cut at `length` characters (for tables and questions).
    func preview(_ length: Int = 60) -> String {
        if redaction != nil { return "(redacted)" }
        let line = content.replacing("\n", with: " ")
        return line.count > length ? String(line.prefix(length)) + "…" : line
    }

    /// The text `messages show` prints.
    var lines: [String] {
        var lines = [
            "message \(id) in room \(room.isEmpty ? roomID : room) (seq \(seq), \(place))",
            "  sender \(sender.isEmpty ? "unknown user" : sender) (\(senderID))",
            "  time \(timestamp)",
        ]
        if let redaction {
            lines.append("  redacted \(redaction.at) by \(redaction.by)" + (redaction.reason.map { ": \($0)" } ?? ""))
        } else {
            lines.append("  content \(content)")
        }
        return lines
    }
}
