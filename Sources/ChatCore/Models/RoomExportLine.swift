import Foundation

/// One message as `chatctl rooms export` writes it and `chatctl rooms import` reads it:
/// a JSON object per line (`id`, `seq`, `room`, `sender_id`, `sender`, `content`,
/// `timestamp` in RFC 3339 with milliseconds, `redacted`), or a CSV record with the same
/// columns. `seq` is left out for a message without a number (written by the Go service).
public struct RoomExportLine: Sendable, Equatable, Codable {
    public var id: ObjectID
    /// The message's number in its room; nil when it has none.
    public var seq: Int64?
    /// The room's name when exported (an import puts the message in the room it is told).
    public var room: String
    public var senderID: ObjectID
    /// The sender's username when exported; empty for a sender who is no user any more.
    public var sender: String
    /// Empty for a redacted message.
    public var content: String
    public var timestamp: Date
    public var redacted: Bool

    public init(id: ObjectID, seq: Int64?, room: String, senderID: ObjectID, sender: String, content: String, timestamp: Date, redacted: Bool) {
        self.id = id
        self.seq = seq
        self.room = room
        self.senderID = senderID
        self.sender = sender
        self.content = content
        self.timestamp = timestamp.truncatedToMilliseconds
        self.redacted = redacted
    }

    /// A stored message as a line.
    public init(_ message: Message) {
        self.init(
            id: message.id, seq: message.sequence > 0 ? message.sequence : nil, room: message.roomName, senderID: message.senderID,
            sender: message.shownSenderName, content: message.isRedacted ? "" : message.content, timestamp: message.timestamp,
            redacted: message.isRedacted)
    }

    /// The message to store in `room`: this line's id, sender, content, time and number;
    /// a redacted line gets `redaction` (the line does not say who redacted it, nor why).
    public func message(in room: Room, redaction: Redaction) -> Message {
        Message(
            id: id, roomID: room.id, roomName: room.name, senderID: senderID, senderName: sender, content: redacted ? "" : content,
            timestamp: timestamp, sequence: seq ?? 0, redaction: redacted ? redaction : nil)
    }

    enum CodingKeys: String, CodingKey {
        case id, seq, room
        case senderID = "sender_id"
        case sender, content, timestamp, redacted
    }

    /// `id`, `sender_id`, `content` and `timestamp` are required; `seq`, `room`, `sender`
    /// and `redacted` may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(ObjectID.self, forKey: .id)
        seq = try container.decodeIfPresent(Int64.self, forKey: .seq)
        room = try container.decodeIfPresent(String.self, forKey: .room) ?? ""
        senderID = try container.decode(ObjectID.self, forKey: .senderID)
        sender = try container.decodeIfPresent(String.self, forKey: .sender) ?? ""
        content = try container.decode(String.self, forKey: .content)
        let time = try container.decode(String.self, forKey: .timestamp)
        guard let date = RFC3339.date(from: time) else {
            throw DecodingError.dataCorruptedError(forKey: .timestamp, in: container, debugDescription: "'\(time.prefix(40))' is not an RFC 3339 time")
        }
        timestamp = date.truncatedToMilliseconds
        redacted = try container.decodeIfPresent(Bool.self, forKey: .redacted) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(seq, forKey: .seq)
        try container.encode(room, forKey: .room)
        try container.encode(senderID, forKey: .senderID)
        try container.encode(sender, forKey: .sender)
        try container.encode(content, forKey: .content)
        try container.encode(RFC3339.string(from: timestamp), forKey: .timestamp)
        try container.encode(redacted, forKey: .redacted)
    }

    /// Reads one line of a JSON Lines export.
    /// - Throws: `ChatError.invalid("line", "line N: …")` naming the line and what is wrong with it.
    public static func decode(_ text: String, line number: Int) throws(ChatError) -> RoomExportLine {
        do {
            return try JSONDecoder().decode(RoomExportLine.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw ChatError.invalid("line", "line \(number): \(describe(error))")
        } catch {
            throw ChatError.invalid("line", "line \(number): \(error)")
        }
    }

    /// What a decoding error says about the line, in a few words.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _):
            return "\(key.stringValue) is missing"
        case .valueNotFound(_, let context), .typeMismatch(_, let context):
            return path(context).isEmpty ? "not a JSON object" : "\(path(context)) has the wrong type"
        case .dataCorrupted(let context):
            return path(context).isEmpty ? "not valid JSON" : "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
