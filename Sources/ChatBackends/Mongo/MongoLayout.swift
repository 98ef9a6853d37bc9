import ChatCore
import Foundation
import MongoKit

/// The Go system's MongoDB layout: collection names, field names, BSON types, and the
/// conversions between ChatCore models and documents. Explicit (not Codable) so every
/// field name and BSON type is visible here and checked by the seed tests.
enum MongoLayout {
    static let clients = "clients"
    static let rooms = "rooms"
    static let messages = "messages"
    static let notifications = "notifications"
    static let archivedMessages = "archived_messages"

    static func value(_ id: ObjectID) -> BSONValue { .objectID(BSONObjectID(bytes: id.bytes)) }
    static func value(_ date: Date) -> BSONValue { .date(date.millisecondsSince1970) }

    static func id(_ document: BSONDocument, _ key: String) throws -> ObjectID {
        guard let raw = document.objectID(key), let id = ObjectID(bytes: raw.bytes) else {
            throw ChatError(.internalError, field: key, message: "stored document lacks ObjectId field \(key)")
        }
        return id
    }

    static func date(_ document: BSONDocument, _ key: String) -> Date {
        document.dateMilliseconds(key).map { Date(millisecondsSince1970: $0) } ?? Date(timeIntervalSince1970: 0)
    }

    // MARK: clients {_id, username, email, password_hash, created_at}

    /// `disabled` and a ban (chatctl's own fields) only when there is one: the Go layout
    /// is unchanged otherwise.
    static func document(_ user: User) -> BSONDocument {
        var document: BSONDocument = [
            "_id": value(user.id), "username": .string(user.username), "email": .string(user.email),
            "password_hash": .string(user.passwordHash), "created_at": value(user.createdAt),
        ]
        if user.disabled { document["disabled"] = .bool(true) }
        if let ban = user.ban {
            for (key, field) in banFields(ban).fields { document[key] = field }
        }
        return document
    }

    static func user(_ document: BSONDocument) throws -> User {
        User(
            id: try id(document, "_id"), username: document.string("username") ?? "", email: document.string("email") ?? "",
            passwordHash: document.string("password_hash") ?? "", createdAt: date(document, "created_at"),
            disabled: document.bool("disabled") ?? false, ban: ban(document))
    }

    /// The ban's fields of `clients`: `banned_at`, `banned_by`, and `banned_until` and
    /// `ban_reason` when there is one.
    static let banKeys = ["banned_at", "banned_until", "ban_reason", "banned_by"]

    static func banFields(_ ban: Ban) -> BSONDocument {
        var fields: BSONDocument = ["banned_at": value(ban.at), "banned_by": .string(ban.by)]
        if let until = ban.until { fields["banned_until"] = value(until) }
        if let reason = ban.reason { fields["ban_reason"] = .string(reason) }
        return fields
    }

    /// A user's ban, nil when it has no `banned_at`.
    static func ban(_ document: BSONDocument) -> Ban? {
        guard let at = document.dateMilliseconds("banned_at") else { return nil }
        return Ban(
            at: Date(millisecondsSince1970: at), until: document.dateMilliseconds("banned_until").map { Date(millisecondsSince1970: $0) },
            reason: document.string("ban_reason"), by: document.string("banned_by") ?? "")
    }

    // MARK: rooms {_id, name, members[ObjectId], created_at}

    /// The Go fields, plus the rules that are set (`ruleFields`).
    static func document(_ room: Room) -> BSONDocument {
        var document: BSONDocument = [
            "_id": value(room.id), "name": .string(room.name), "members": .array(room.members.map(value)),
            "created_at": value(room.createdAt),
        ]
        for (key, field) in ruleFields(room.rules).fields { document[key] = field }
        return document
    }

    static func room(_ document: BSONDocument) throws -> Room {
        Room(
            id: try id(document, "_id"), name: document.string("name") ?? "", members: objectIDs(document.array("members")),
            createdAt: date(document, "created_at"), rules: rules(document))
    }

    /// ObjectIds of an array field (other values skipped).
    static func objectIDs(_ array: [BSONValue]?) -> [ObjectID] {
        (array ?? []).compactMap { element -> ObjectID? in
            if case .objectID(let raw) = element { return ObjectID(bytes: raw.bytes) }
            return nil
        }
    }

    /// chatctl's rule fields of `rooms`, each only when set (a room as the Go service
    /// creates it has none): `read_only: true`, `slow_mode_seconds`, `moderators`, `topic`,
    /// `archive_after_seconds`, `retention_seconds` (0: none, archived messages kept).
    static func ruleFields(_ rules: RoomRules) -> BSONDocument {
        var fields: BSONDocument = [:]
        if rules.readOnly { fields["read_only"] = .bool(true) }
        if rules.slowModeSeconds > 0 { fields["slow_mode_seconds"] = .int64(Int64(rules.slowModeSeconds)) }
        if !rules.moderators.isEmpty { fields["moderators"] = .array(rules.moderators.map(value)) }
        if let topic = rules.topic { fields["topic"] = .string(topic) }
        if let seconds = rules.archiveAfterSeconds { fields["archive_after_seconds"] = .int64(Int64(seconds)) }
        if let retention = rules.retention { fields["retention_seconds"] = retentionValue(retention) }
        return fields
    }

    /// Every field `ruleFields` may write (a copy unsets those a room's rules leave out).
    static let ruleKeys = ["read_only", "slow_mode_seconds", "moderators", "topic", "archive_after_seconds", "retention_seconds"]

    static func rules(_ document: BSONDocument) -> RoomRules {
        RoomRules(
            readOnly: document.bool("read_only") ?? false, slowModeSeconds: document.int("slow_mode_seconds") ?? 0,
            moderators: objectIDs(document.array("moderators")), topic: document.string("topic"),
            archiveAfterSeconds: document.int("archive_after_seconds"), retention: document.int("retention_seconds").map(retention))
    }

    /// `retention_seconds` as stored: the seconds, or 0 for none (kept forever).
    static func retentionValue(_ retention: Retention) -> BSONValue { .int64(Int64(retention.seconds ?? 0)) }

    /// A stored `retention_seconds`: 0 (or less) is none.
    static func retention(_ seconds: Int) -> Retention { seconds > 0 ? .seconds(seconds) : .forever }

    // MARK: messages {_id, content, sender_id, room_id, timestamp}

    /// A live message as inserted: `document(_:)` plus `client_id` when the client gave
    /// one (the Go service ignores it; archived copies leave it out).
    static func liveDocument(_ message: Message) -> BSONDocument {
        var document = document(message)
        if let clientID = message.clientID { document["client_id"] = .string(clientID) }
        return document
    }

    /// The Go fields, plus `seq` (the room sequence number) and, for a redacted message,
    /// its redaction (the Go service ignores both; `content` stays a string, empty).
    static func document(_ message: Message) -> BSONDocument {
        var document: BSONDocument = [
            "_id": value(message.id), "content": .string(message.content), "sender_id": value(message.senderID),
            "room_id": value(message.roomID), "timestamp": value(message.timestamp),
        ]
        if message.sequence > 0 { document["seq"] = .int64(message.sequence) }
        if let redaction = message.redaction {
            for (key, field) in redactionFields(redaction).fields { document[key] = field }
        }
        return document
    }

    static func message(_ document: BSONDocument, roomName: String, senderName: String) throws -> Message {
        Message(
            id: try id(document, "_id"), roomID: try id(document, "room_id"), roomName: roomName,
            senderID: try id(document, "sender_id"), senderName: senderName, content: document.string("content") ?? "",
            timestamp: date(document, "timestamp"), sequence: Int64(document.int("seq") ?? 0), clientID: document.string("client_id"),
            redaction: redaction(document))
    }

    /// `{redacted_at, redacted_by, redaction_reason}` (the reason only when given), as set
    /// on a message and its archived copy by a redaction.
    static func redactionFields(_ redaction: Redaction) -> BSONDocument {
        var fields: BSONDocument = ["redacted_at": value(redaction.at), "redacted_by": .string(redaction.by)]
        if let reason = redaction.reason { fields["redaction_reason"] = .string(reason) }
        return fields
    }

    /// A message's redaction, nil when it has no `redacted_at`.
    static func redaction(_ document: BSONDocument) -> Redaction? {
        guard let at = document.dateMilliseconds("redacted_at") else { return nil }
        return Redaction(at: Date(millisecondsSince1970: at), by: document.string("redacted_by") ?? "", reason: document.string("redaction_reason"))
    }

    /// The `$or` of "after this position" in time order: a later `timestamp`, or the same
    /// one with a greater `_id` (paging a read sorted `{timestamp: 1, _id: 1}`).
    static func after(_ position: MessagePosition) -> BSONValue {
        [
            ["timestamp": ["$gt": value(position.timestamp)]],
            ["timestamp": value(position.timestamp), "_id": ["$gt": value(position.id)]],
        ]
    }

    /// Newest first as the Go service sorts its history (`{timestamp: -1}`), then by
    /// room sequence and id within a millisecond.
    static let newestFirst: BSONDocument = ["timestamp": -1, "seq": -1, "_id": -1]

    // MARK: notifications {_id, content, sender_id, room_id, receiver_id, seen, timestamp}

    static func document(_ n: ChatNotification) -> BSONDocument {
        ["_id": value(n.id), "content": .string(n.content), "sender_id": value(n.senderID), "room_id": value(n.roomID),
         "receiver_id": value(n.receiverID), "seen": .bool(n.seen), "timestamp": value(n.timestamp)]
    }

    static func notification(_ document: BSONDocument) throws -> ChatNotification {
        ChatNotification(
            id: try id(document, "_id"), content: document.string("content") ?? "", senderID: try id(document, "sender_id"),
            roomID: try id(document, "room_id"), receiverID: try id(document, "receiver_id"), seen: document.bool("seen") ?? false,
            timestamp: date(document, "timestamp"))
    }

    /// The indexes the store relies on (uniqueness is enforced by them, never by
    /// check-then-insert). Ensured at start-up; creating them again is a no-op.
    static let indexes: [(collection: String, index: MongoCollection.Index)] = [
        (clients, .init(keys: ["username": 1], name: "username_unique", unique: true)),
        (clients, .init(keys: ["email": 1], name: "email_unique", unique: true)),
        (rooms, .init(keys: ["name": 1], name: "name_unique", unique: true)),
        (rooms, .init(keys: ["members": 1], name: "members")),
        (messages, .init(keys: ["room_id": 1, "timestamp": -1], name: "room_id_timestamp")),
        (messages, .init(keys: ["timestamp": 1], name: "timestamp")),
        (messages, .init(keys: ["room_id": 1, "seq": 1], name: "room_id_seq")),
        // One user's messages, oldest first (`chatctl users purge-messages`).
        (messages, .init(keys: ["sender_id": 1, "timestamp": 1], name: "sender_id_timestamp")),
        (archivedMessages, .init(keys: ["sender_id": 1, "timestamp": 1], name: "sender_id_timestamp")),
        // A room's messages in time order, page by page (`chatctl rooms export`; on the archive, the scheduler's retention deletes too): `_id` breaks
        // ties within a millisecond, so a page needs no sort of the rest of the room.
        (messages, .init(keys: ["room_id": 1, "timestamp": 1, "_id": 1], name: "room_id_timestamp_id")),
        (archivedMessages, .init(keys: ["room_id": 1, "timestamp": 1, "_id": 1], name: "room_id_timestamp_id")),
        (notifications, .init(keys: ["receiver_id": 1, "seen": 1, "timestamp": -1], name: "receiver_seen_timestamp")),
        (MongoChatStore.sessionEnds, .init(keys: ["at": 1], name: "at")),
        // Client-id claims last a day (then the same client id may be used again).
        (MongoChatStore.clientIDClaims, .init(keys: ["at": 1], name: "at_ttl", expireAfterSeconds: 86_400)),
        (MongoChatStore.pendingEventsCollection, .init(keys: ["since": 1], name: "since")),
        (MongoChatStore.moderationNotices, .init(keys: ["at": 1], name: "at")),
        (MongoChatStore.auditLog, .init(keys: ["at": 1], name: "at")),
        (MongoChatStore.roomMutes, .init(keys: ["room_id": 1], name: "room_id")),
        (MongoChatStore.roomMutes, .init(keys: ["user_id": 1], name: "user_id")),
        // One report per reporter and message; open ones (or all) newest first.
        (MongoChatStore.reportsCollection, .init(keys: ["reporter_id": 1, "message_id": 1], name: "reporter_id_message_id_unique", unique: true)),
        (MongoChatStore.reportsCollection, .init(keys: ["status": 1, "created_at": -1], name: "status_created_at")),
    ]
}
