import ChatCore
import Foundation
import GRDB

/// `chatctl db copy` on SQLite: pages by primary key (ids are lowercase hex text, so
/// text order is ObjectId order; a mute's key is `room_id:user_id`), and one write
/// transaction per batch that inserts each record or updates the row with its key in
/// place (`ON CONFLICT(id) DO UPDATE`: the row keeps its rowid, so archiving's
/// stored-order scan and a room's members and mutes are untouched by the upsert itself).
/// A room's sequence counter (`rooms.last_seq`) is raised, never lowered, by its record
/// and by every batch of messages copied into it, so posts continue after the copied
/// messages whichever order the collections arrive in.
extension SQLiteChatStore: StoreTransfer {
    /// Where a collection lives: its table, the columns a read selects, its key as an SQL
    /// expression, the key order, and what every read keeps.
    struct TransferTable {
        var name: String
        var columns = "*"
        var key = "id"
        var order = "id"
        var filter: String?
    }

    static func transferTable(_ kind: StoreCollection) -> TransferTable {
        switch kind {
        case .users: TransferTable(name: "clients")
        case .rooms: TransferTable(name: "rooms")
        case .roomMutes: TransferTable(name: "room_mutes", key: "room_id || ':' || user_id", order: "room_id, user_id")
        // The names a read joins in are not part of a record.
        case .messages: TransferTable(name: "messages", columns: "*, '' AS room_name, '' AS sender_name")
        case .archivedMessages: TransferTable(name: "archived_messages", columns: "*, '' AS room_name")
        case .notifications: TransferTable(name: "notifications")
        case .reports: TransferTable(name: "reports")
        case .auditLog: TransferTable(name: "audit_log")
        // Only the kinds this version knows (the others cannot be carried).
        case .moderationNotices:
            TransferTable(name: "moderation_notices", filter: "kind IN (\(ModerationNotice.Kind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")))")
        }
    }

    public func recordCount(of kind: StoreCollection) async throws -> Int {
        let table = Self.transferTable(kind)
        return try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name)" + (table.filter.map { " WHERE \($0)" } ?? "")) ?? 0
        }
    }

    public func records(of kind: StoreCollection, after key: String?, limit: Int) async throws -> RecordBatch {
        let table = Self.transferTable(kind)
        var conditions = table.filter.map { [$0] } ?? []
        var arguments: StatementArguments = []
        if let key {
            conditions.append("\(table.key) > ?")
            _ = arguments.append(contentsOf: [key])
        }
        _ = arguments.append(contentsOf: [limit])
        let clause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(table.columns) FROM \(table.name)\(clause) ORDER BY \(table.order) LIMIT ?"
        let selected = arguments
        return try await pool.read { db in
            try Self.batch(kind, try Row.fetchAll(db, sql: sql, arguments: selected), db: db)
        }
    }

    public func records(of kind: StoreCollection, keys: [String]) async throws -> RecordBatch {
        guard !keys.isEmpty else { return .empty(kind) }
        let table = Self.transferTable(kind)
        let filter = table.filter.map { " AND \($0)" } ?? ""
        return try await pool.read { db in
            var rows: [Row] = []
            // At most 500 `?` per statement (SQLite bounds them).
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = Array(keys[start..<min(start + 500, keys.count)])
                rows += try Row.fetchAll(
                    db, sql: "SELECT \(table.columns) FROM \(table.name) WHERE \(table.key) IN (\(Self.placeholders(chunk.count)))\(filter) ORDER BY \(table.order)",
                    arguments: StatementArguments(chunk))
            }
            return try Self.batch(kind, rows, db: db)
        }
    }

    /// Rows as records; a room with its members and its sequence counter.
    static func batch(_ kind: StoreCollection, _ rows: [Row], db: Database) throws -> RecordBatch {
        switch kind {
        case .users:
            return .users(try rows.map(Self.user(from:)))
        case .rooms:
            return .rooms(try rows.map { row in
                RoomRecord(room: try Self.room(from: row, db: db), lastSequence: (row["last_seq"] as Int64?) ?? 0)
            })
        case .roomMutes:
            return .roomMutes(try rows.map(Self.mute(from:)))
        case .messages:
            return .messages(try rows.map(Self.message(from:)))
        case .archivedMessages:
            return .archivedMessages(try rows.map(Self.archiveRow))
        case .notifications:
            return .notifications(try rows.map(Self.notification(from:)))
        case .reports:
            return .reports(try rows.map(Self.report(from:)))
        case .auditLog:
            return .auditLog(try rows.map(Self.auditRecord(from:)))
        case .moderationNotices:
            return .moderationNotices(try rows.compactMap(Self.notice(from:)))
        }
    }

    /// One write transaction for the batch.
    public func upsert(_ batch: RecordBatch) async throws {
        let auditArguments: [String]
        if case .auditLog(let records) = batch { auditArguments = try records.map { try Self.json($0.arguments) } } else { auditArguments = [] }
        do {
            try await pool.write { db in
                switch batch {
                case .users(let users): try Self.upsert(users, db: db)
                case .rooms(let records): try Self.upsert(records, db: db)
                case .roomMutes(let mutes): try Self.upsert(mutes, db: db)
                case .messages(let messages): try Self.upsert(messages, into: "messages", db: db)
                case .archivedMessages(let messages): try Self.upsert(messages, into: "archived_messages", db: db)
                case .notifications(let notifications): try Self.upsert(notifications, db: db)
                case .reports(let reports): try Self.upsert(reports, db: db)
                case .auditLog(let records): try Self.upsert(records, arguments: auditArguments, db: db)
                case .moderationNotices(let notices): try Self.upsert(notices, db: db)
                }
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            let message = error.message ?? ""
            throw ChatError.copyConflict(Self.conflictField(message), detail: "SQLite: \(message)")
        }
    }

    /// The field a UNIQUE constraint's message names (`UNIQUE constraint failed: clients.email`).
    static func conflictField(_ message: String) -> String {
        if message.contains("email") { return "email" }
        if message.contains("username") { return "username" }
        if message.contains("rooms.name") { return "name" }
        // `reports.reporter_id, reports.message_id`: one report per reporter and message.
        if message.contains("reports.") { return "report" }
        return "id"
    }

    private static func upsert(_ users: [User], db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO clients (id, username, email, password_hash, created_at, disabled, banned_at, banned_until, ban_reason, banned_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET username = excluded.username, email = excluded.email, password_hash = excluded.password_hash,
                created_at = excluded.created_at, disabled = excluded.disabled, banned_at = excluded.banned_at,
                banned_until = excluded.banned_until, ban_reason = excluded.ban_reason, banned_by = excluded.banned_by
            """)
        for user in users {
            try statement.execute(arguments: [
                user.id.hex, user.username, user.email, user.passwordHash, user.createdAt.millisecondsSince1970, user.disabled,
                user.ban?.at.millisecondsSince1970, user.ban?.until?.millisecondsSince1970, user.ban?.reason, user.ban?.by,
            ])
        }
    }

    /// The room's row (its rules with the archive age and retention, as `insertRoom` writes
    /// them; its counter raised to the record's, never lowered), then its members as the
    /// record lists them (in that order).
    private static func upsert(_ records: [RoomRecord], db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO rooms (id, name, created_at, read_only, slow_mode_seconds, topic, moderators, archive_after_seconds, retention_seconds, last_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at, read_only = excluded.read_only,
                slow_mode_seconds = excluded.slow_mode_seconds, topic = excluded.topic, moderators = excluded.moderators,
                archive_after_seconds = excluded.archive_after_seconds, retention_seconds = excluded.retention_seconds,
                last_seq = MAX(last_seq, excluded.last_seq)
            """)
        for record in records {
            let room = record.room
            try statement.execute(arguments: [
                room.id.hex, room.name, room.createdAt.millisecondsSince1970, room.rules.readOnly, room.rules.slowModeSeconds, room.rules.topic,
                Self.moderatorsColumn(room.rules.moderators), room.rules.archiveAfterSeconds, room.rules.retention.map(Self.retentionColumn),
                max(record.lastSequence, 0),
            ])
            try db.execute(sql: "DELETE FROM room_members WHERE room_id = ?", arguments: [room.id.hex])
            for (position, member) in room.members.enumerated() {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO room_members (room_id, user_id, position) VALUES (?, ?, ?)", arguments: [room.id.hex, member.hex, position])
            }
        }
    }

    /// A mute needs its room here (a foreign key): one whose room the target lacks is
    /// left out, and `db copy --verify` shows the difference.
    private static func upsert(_ mutes: [RoomMute], db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO room_mutes (room_id, user_id, until, reason, muted_by, at)
            SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM rooms WHERE id = ?)
            """)
        for mute in mutes {
            try statement.execute(arguments: [
                mute.roomID.hex, mute.userID.hex, mute.until?.millisecondsSince1970, mute.reason, mute.by, mute.at.millisecondsSince1970, mute.roomID.hex,
            ])
        }
    }

    /// `messages` keeps the client id; `archived_messages` has no column for it. Both
    /// raise their rooms' counters to the highest `seq` they write.
    private static func upsert(_ messages: [Message], into table: String, db: Database) throws {
        let live = table == "messages"
        let statement = try db.cachedStatement(sql: """
            INSERT INTO \(table) (id, content, sender_id, room_id, timestamp, seq, redacted_at, redacted_by, redaction_reason\(live ? ", client_id" : ""))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?\(live ? ", ?" : ""))
            ON CONFLICT(id) DO UPDATE SET content = excluded.content, sender_id = excluded.sender_id, room_id = excluded.room_id,
                timestamp = excluded.timestamp, seq = excluded.seq, redacted_at = excluded.redacted_at, redacted_by = excluded.redacted_by,
                redaction_reason = excluded.redaction_reason\(live ? ", client_id = excluded.client_id" : "")
            """)
        for message in messages {
            var arguments: StatementArguments = [
                message.id.hex, message.content, message.senderID.hex, message.roomID.hex, message.timestamp.millisecondsSince1970, message.sequence,
                message.redaction?.at.millisecondsSince1970, message.redaction?.by, message.redaction?.reason,
            ]
            if live { _ = arguments.append(contentsOf: [message.clientID]) }
            try statement.execute(arguments: arguments)
        }
        try raiseSequences(toCover: messages, db: db)
    }

    private static func upsert(_ notifications: [ChatNotification], db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO notifications (id, content, sender_id, room_id, receiver_id, seen, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET content = excluded.content, sender_id = excluded.sender_id, room_id = excluded.room_id,
                receiver_id = excluded.receiver_id, seen = excluded.seen, timestamp = excluded.timestamp
            """)
        for n in notifications {
            try statement.execute(arguments: [
                n.id.hex, n.content, n.senderID.hex, n.roomID.hex, n.receiverID.hex, n.seen, n.timestamp.millisecondsSince1970,
            ])
        }
    }

    /// Every column, the resolution's NULL while the report is open (as `insertReport`
    /// and `resolveReport` write them). Another report of the same reporter and message
    /// (the UNIQUE key) is a conflict.
    private static func upsert(_ reports: [Report], db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO reports (id, message_id, room_id, sender_id, reporter_id, reason, created_at, status, action, resolved_by, resolved_at, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET message_id = excluded.message_id, room_id = excluded.room_id, sender_id = excluded.sender_id,
                reporter_id = excluded.reporter_id, reason = excluded.reason, created_at = excluded.created_at, status = excluded.status,
                action = excluded.action, resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at, note = excluded.note
            """)
        for report in reports {
            let resolution = report.resolution
            try statement.execute(arguments: [
                report.id.hex, report.messageID.hex, report.roomID.hex, report.senderID.hex, report.reporterID.hex, report.reason,
                report.createdAt.millisecondsSince1970, report.status.rawValue, resolution?.action.rawValue, resolution?.by,
                resolution?.at.millisecondsSince1970, resolution?.note,
            ])
        }
    }

    /// `arguments`: each record's arguments as `audit_log` keeps them (JSON), in order.
    private static func upsert(_ records: [AuditRecord], arguments: [String], db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO audit_log (id, at, actor_user, actor_host, command, target, arguments, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET at = excluded.at, actor_user = excluded.actor_user, actor_host = excluded.actor_host,
                command = excluded.command, target = excluded.target, arguments = excluded.arguments, outcome = excluded.outcome,
                error = excluded.error
            """)
        for (record, json) in zip(records, arguments) {
            try statement.execute(arguments: [
                record.id.hex, record.at.millisecondsSince1970, record.actor.user, record.actor.host, record.command, record.target, json,
                record.outcome.name, record.outcome.error,
            ])
        }
    }

    private static func upsert(_ notices: [ModerationNotice], db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO moderation_notices (id, kind, room_id, room_name, message_ids, at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, room_id = excluded.room_id, room_name = excluded.room_name,
                message_ids = excluded.message_ids, at = excluded.at
            """)
        for notice in notices {
            try statement.execute(arguments: [
                notice.id.hex, notice.kind.rawValue, notice.roomID.hex, notice.roomName, notice.messageIDs.map(\.hex).joined(separator: " "),
                notice.at.millisecondsSince1970,
            ])
        }
    }
}
