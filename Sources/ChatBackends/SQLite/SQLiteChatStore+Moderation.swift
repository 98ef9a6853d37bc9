import ChatCore
import Foundation
import GRDB

/// Moderation on SQLite: a message found in `messages` or `archived_messages`, one
/// sender's messages in either, a redaction in both (columns of migration v12), their
/// notifications, and the `moderation_notices` log every chat node reads.
extension SQLiteChatStore {
    public func locateMessage(id: ObjectID) async throws -> LocatedMessage? {
        try await pool.read { db -> LocatedMessage? in
            if let row = try Row.fetchOne(db, sql: Self.messageSelect + " WHERE m.id = ?", arguments: [id.hex]) {
                return LocatedMessage(message: try Self.message(from: row), place: .live)
            }
            let archived = try Row.fetchOne(
                db, sql: "SELECT *, \(Self.roomNameColumn) FROM archived_messages WHERE id = ?", arguments: [id.hex])
            return try archived.map { LocatedMessage(message: try Self.archiveRow($0), place: .archived) }
        }
    }

    /// One write transaction for both tables; a copy redacted before is left as it is.
    public func redactMessages(ids: [ObjectID], redaction: Redaction) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await pool.write { db in
            var changed = 0
            for table in ["messages", "archived_messages"] {
                for chunk in Self.chunks(ids) {
                    var arguments: StatementArguments = [redaction.at.millisecondsSince1970, redaction.by, redaction.reason]
                    _ = arguments.append(contentsOf: StatementArguments(chunk.map(\.hex)))
                    try db.execute(
                        sql: """
                            UPDATE \(table) SET content = '', redacted_at = ?, redacted_by = ?, redaction_reason = ?
                            WHERE id IN (\(Self.placeholders(chunk.count))) AND redacted_at IS NULL
                            """,
                        arguments: arguments)
                    changed += db.changesCount
                }
            }
            return changed
        }
    }

    public func redactNotifications(ids: [ObjectID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await pool.write { db in
            var changed = 0
            for chunk in Self.chunks(ids) {
                try db.execute(
                    sql: "UPDATE notifications SET content = '' WHERE id IN (\(Self.placeholders(chunk.count))) AND content <> ''",
                    arguments: StatementArguments(chunk.map(\.hex)))
                changed += db.changesCount
            }
            return changed
        }
    }

    /// One statement; a scan of `notifications` (it has no index by sender).
    public func redactNotifications(sentBy sender: ObjectID) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "UPDATE notifications SET content = '' WHERE sender_id = ? AND content <> ''", arguments: [sender.hex])
            return db.changesCount
        }
    }

    public func deleteNotifications(ids: [ObjectID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await pool.write { db in
            var deleted = 0
            for chunk in Self.chunks(ids) {
                try db.execute(
                    sql: "DELETE FROM notifications WHERE id IN (\(Self.placeholders(chunk.count)))", arguments: StatementArguments(chunk.map(\.hex)))
                deleted += db.changesCount
            }
            return deleted
        }
    }

    // MARK: One sender's messages

    /// Walks `messages_sender_timestamp` or `archived_messages_sender_timestamp` (v18).
    public func messages(matching query: SenderMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message] {
        try await pool.read { db in
            let filter = Self.senderFilter(query, in: place)
            var arguments = filter.arguments
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(
                db, sql: "SELECT *, \(Self.roomNameColumn) FROM \(filter.table) WHERE \(filter.clause) ORDER BY timestamp, id LIMIT ?",
                arguments: arguments
            ).map(Self.archiveRow)
        }
    }

    public func countMessages(matching query: SenderMessageQuery, in place: LocatedMessage.Place) async throws -> Int {
        try await pool.read { db in
            let filter = Self.senderFilter(query, in: place)
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(filter.table) WHERE \(filter.clause)", arguments: filter.arguments) ?? 0
        }
    }

    /// The table `place` names and the `WHERE` clause of `query`, with its arguments.
    static func senderFilter(_ query: SenderMessageQuery, in place: LocatedMessage.Place) -> (table: String, clause: String, arguments: StatementArguments) {
        var conditions = ["sender_id = ?"]
        var arguments: StatementArguments = [query.sender.hex]
        if let room = query.room {
            conditions.append("room_id = ?")
            _ = arguments.append(contentsOf: [room.hex])
        }
        if let from = query.from {
            conditions.append("timestamp >= ?")
            _ = arguments.append(contentsOf: [from.millisecondsSince1970])
        }
        if let to = query.to {
            conditions.append("timestamp < ?")
            _ = arguments.append(contentsOf: [to.millisecondsSince1970])
        }
        if query.unredactedOnly { conditions.append("redacted_at IS NULL") }
        if let after = query.after {
            // The first term bounds the index range; the second skips the position's own millisecond up to its id.
            conditions.append("timestamp >= ? AND (timestamp > ? OR id > ?)")
            let ms = after.timestamp.millisecondsSince1970
            _ = arguments.append(contentsOf: [ms, ms, after.id.hex])
        }
        return (place == .live ? "messages" : "archived_messages", conditions.joined(separator: " AND "), arguments)
    }

    /// Ids in groups of at most 500 (SQLite bounds the number of `?` in a statement).
    static func chunks(_ ids: [ObjectID]) -> [[ObjectID]] {
        stride(from: 0, to: ids.count, by: 500).map { Array(ids[$0..<min($0 + 500, ids.count)]) }
    }

    /// `?,?,…,?`.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    // MARK: Moderation notices

    public func recordModerationNotice(_ notice: ModerationNotice) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM moderation_notices WHERE at < ?", arguments: [Date().addingTimeInterval(-86_400).millisecondsSince1970])
            try db.execute(
                sql: "INSERT OR IGNORE INTO moderation_notices (id, kind, room_id, room_name, message_ids, at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    notice.id.hex, notice.kind.rawValue, notice.roomID.hex, notice.roomName,
                    notice.messageIDs.map(\.hex).joined(separator: " "), notice.at.millisecondsSince1970,
                ])
        }
    }

    public func moderationNotices(since: Date) async throws -> [ModerationNotice] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM moderation_notices WHERE at >= ? ORDER BY at, id", arguments: [since.millisecondsSince1970]
            ).compactMap(Self.notice(from:))
        }
    }

    /// Nil for a notice of a kind this version does not know (nodes skip those).
    static func notice(from row: Row) throws -> ModerationNotice? {
        let kind: String = row["kind"]
        guard let known = ModerationNotice.Kind(rawValue: kind) else { return nil }
        let ids: String = row["message_ids"]
        return ModerationNotice(
            id: try id(row, "id"), kind: known, roomID: try id(row, "room_id"), roomName: row["room_name"],
            messageIDs: ids.split(separator: " ").compactMap { ObjectID(hex: $0) }, at: Date(millisecondsSince1970: row["at"]))
    }
}
