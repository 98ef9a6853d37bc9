import Foundation

/// One record as `chatctl db copy` compares it: its key and a canonical encoding of its
/// fields, the same whichever store it was read from.
public struct RecordEntry: Sendable, Equatable {
    public var key: String
    /// Every stored field of the record, in a fixed order, each as
    /// `name:<UTF-8 length>:<value>;` (`name:-;` when absent): ids as hex, times as
    /// milliseconds since the epoch, flags as 1/0. Unambiguous, so two records encode
    /// alike exactly when their fields are equal.
    public var canonical: [UInt8]
    /// What must never go backwards on the target: a room's sequence counter (0 for any
    /// other record). Not part of `canonical`: the target's may be ahead (numbers it gave
    /// out itself, or raised by the messages copied into it), so it is compared as "at
    /// least", not as equal.
    public var sequenceCounter: Int64

    public init(key: String, canonical: [UInt8], sequenceCounter: Int64 = 0) {
        self.key = key
        self.canonical = canonical
        self.sequenceCounter = sequenceCounter
    }

    /// Whether `target` already holds this record as it is here.
    public func isCopied(in target: RecordEntry) -> Bool {
        canonical == target.canonical && target.sequenceCounter >= sequenceCounter
    }
}

extension RecordBatch {
    /// Each record's key and canonical encoding, in the batch's order.
    ///
    /// A live message's client id is part of it; an archived copy's is not (archived
    /// copies keep none on SQLite and MongoDB).
    public var entries: [RecordEntry] {
        switch self {
        case .users(let records): records.map { RecordEntry(key: $0.id.hex, canonical: Self.canonical($0)) }
        case .rooms(let records):
            records.map { RecordEntry(key: $0.room.id.hex, canonical: Self.canonical($0.room), sequenceCounter: $0.lastSequence) }
        case .roomMutes(let records): records.map { RecordEntry(key: Self.key(of: $0), canonical: Self.canonical($0)) }
        case .messages(let records): records.map { RecordEntry(key: $0.id.hex, canonical: Self.canonical($0, clientID: true)) }
        case .archivedMessages(let records): records.map { RecordEntry(key: $0.id.hex, canonical: Self.canonical($0, clientID: false)) }
        case .notifications(let records): records.map { RecordEntry(key: $0.id.hex, canonical: Self.canonical($0)) }
        case .reports(let records): records.map { RecordEntry(key: $0.id.hex, canonical: Self.canonical($0)) }
        case .auditLog(let records): records.map { RecordEntry(key: $0.id.hex, canonical: Self.canonical($0)) }
        case .moderationNotices(let records): records.map { RecordEntry(key: $0.id.hex, canonical: Self.canonical($0)) }
        }
    }

    static func canonical(_ user: User) -> [UInt8] {
        var line = CanonicalLine()
        line.id("id", user.id)
        line.text("username", user.username)
        line.text("email", user.email)
        line.text("password_hash", user.passwordHash)
        line.date("created_at", user.createdAt)
        line.flag("disabled", user.disabled)
        line.date("banned_at", user.ban?.at)
        line.date("banned_until", user.ban?.until)
        line.text("ban_reason", user.ban?.reason)
        line.text("banned_by", user.ban?.by)
        return line.bytes
    }

    static func canonical(_ room: Room) -> [UInt8] {
        var line = CanonicalLine()
        line.id("id", room.id)
        line.text("name", room.name)
        line.ids("members", room.members)
        line.date("created_at", room.createdAt)
        line.flag("read_only", room.rules.readOnly)
        line.number("slow_mode_seconds", Int64(room.rules.slowModeSeconds))
        line.ids("moderators", room.rules.moderators)
        line.text("topic", room.rules.topic)
        line.text("archive_after_seconds", room.rules.archiveAfterSeconds.map { String($0) })
        line.text("retention", room.rules.retention.map { Self.retentionValue($0) })
        return line.bytes
    }

    /// A room's own retention as its canonical value: `none` (kept forever) or its seconds
    /// (a room without one, on the default, has the field absent).
    static func retentionValue(_ retention: Retention) -> String {
        retention.seconds.map { String($0) } ?? "none"
    }

    static func canonical(_ mute: RoomMute) -> [UInt8] {
        var line = CanonicalLine()
        line.id("room_id", mute.roomID)
        line.id("user_id", mute.userID)
        line.date("until", mute.until)
        line.text("reason", mute.reason)
        line.text("muted_by", mute.by)
        line.date("at", mute.at)
        return line.bytes
    }

    static func canonical(_ message: Message, clientID: Bool) -> [UInt8] {
        var line = CanonicalLine()
        line.id("id", message.id)
        line.id("room_id", message.roomID)
        line.id("sender_id", message.senderID)
        line.text("content", message.content)
        line.date("timestamp", message.timestamp)
        line.number("seq", message.sequence)
        if clientID { line.text("client_id", message.clientID) }
        line.date("redacted_at", message.redaction?.at)
        line.text("redacted_by", message.redaction?.by)
        line.text("redaction_reason", message.redaction?.reason)
        return line.bytes
    }

    static func canonical(_ notification: ChatNotification) -> [UInt8] {
        var line = CanonicalLine()
        line.id("id", notification.id)
        line.text("content", notification.content)
        line.id("sender_id", notification.senderID)
        line.id("room_id", notification.roomID)
        line.id("receiver_id", notification.receiverID)
        line.flag("seen", notification.seen)
        line.date("timestamp", notification.timestamp)
        return line.bytes
    }

    /// The report and, once resolved, its resolution (absent fields while open).
    static func canonical(_ report: Report) -> [UInt8] {
        var line = CanonicalLine()
        line.id("id", report.id)
        line.id("message_id", report.messageID)
        line.id("room_id", report.roomID)
        line.id("sender_id", report.senderID)
        line.id("reporter_id", report.reporterID)
        line.text("reason", report.reason)
        line.date("created_at", report.createdAt)
        line.text("status", report.status.rawValue)
        line.text("action", report.resolution?.action.rawValue)
        line.text("resolved_by", report.resolution?.by)
        line.date("resolved_at", report.resolution?.at)
        line.text("note", report.resolution?.note)
        return line.bytes
    }

    static func canonical(_ record: AuditRecord) -> [UInt8] {
        var line = CanonicalLine()
        line.id("id", record.id)
        line.date("at", record.at)
        line.text("actor_user", record.actor.user)
        line.text("actor_host", record.actor.host)
        line.text("command", record.command)
        line.text("target", record.target)
        for (name, value) in record.arguments.sorted(by: { $0.key < $1.key }) { line.text("argument." + name, value) }
        line.text("outcome", record.outcome.name)
        line.text("error", record.outcome.error)
        return line.bytes
    }

    static func canonical(_ notice: ModerationNotice) -> [UInt8] {
        var line = CanonicalLine()
        line.id("id", notice.id)
        line.text("kind", notice.kind.rawValue)
        line.id("room_id", notice.roomID)
        line.text("room_name", notice.roomName)
        line.ids("message_ids", notice.messageIDs)
        line.date("at", notice.at)
        return line.bytes
    }
}

/// The bytes of one canonical encoding: `name:<UTF-8 length>:<value>;` per field,
/// `name:-;` for an absent one.
struct CanonicalLine {
    private(set) var bytes: [UInt8] = []

    mutating func text(_ name: String, _ value: String?) {
        bytes.append(contentsOf: name.utf8)
        if let value {
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: String(value.utf8.count).utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: value.utf8)
        } else {
            bytes.append(contentsOf: ":-".utf8)
        }
        bytes.append(UInt8(ascii: ";"))
    }

    mutating func id(_ name: String, _ value: ObjectID) { text(name, value.hex) }

    /// Ids in their order, separated by commas.
    mutating func ids(_ name: String, _ values: [ObjectID]) { text(name, values.map(\.hex).joined(separator: ",")) }

    /// Milliseconds since the epoch (what every store keeps).
    mutating func date(_ name: String, _ value: Date?) { text(name, value.map { String($0.millisecondsSince1970) }) }

    mutating func flag(_ name: String, _ value: Bool) { text(name, value ? "1" : "0") }

    mutating func number(_ name: String, _ value: Int64) { text(name, String(value)) }
}
