import ChatCore
import Foundation
import GRDB

/// Archiving on SQLite: `archived_messages` has the columns of `messages`; copies use
/// `INSERT OR IGNORE` (idempotent), deletes are by id.
extension SQLiteChatStore {
    public func oldMessageSummary(olderThan cutoff: Date, room: ObjectID?) async throws -> [OldMessageSummary] {
        try await pool.read { db in
            var sql = "SELECT room_id, COUNT(*) AS count, SUM(LENGTH(CAST(content AS BLOB))) AS bytes, MIN(timestamp) AS oldest FROM messages WHERE timestamp < ?"
            var arguments: StatementArguments = [cutoff.millisecondsSince1970]
            if let room {
                sql += " AND room_id = ?"
                _ = arguments.append(contentsOf: [room.hex])
            }
            sql += " GROUP BY room_id ORDER BY room_id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                OldMessageSummary(
                    roomID: try Self.objectID(row, "room_id"), count: row["count"], bytes: row["bytes"] ?? 0,
                    oldest: Date(millisecondsSince1970: row["oldest"]))
            }
        }
    }

    public func oldMessages(olderThan cutoff: Date, room: ObjectID?, limit: Int) async throws -> [Message] {
        try await pool.read { db in
            var sql = "SELECT *, \(Self.roomNameColumn) FROM messages WHERE timestamp < ?"
            var arguments: StatementArguments = [cutoff.millisecondsSince1970]
            if let room {
                // One room: oldest first by the room's sequence (its index, early stop).
                sql += " AND room_id = ? ORDER BY seq, timestamp, id LIMIT ?"
                _ = arguments.append(contentsOf: [room.hex])
            } else {
                // Every room: in the order the messages were stored (rowid), which is
                // oldest first but for restored messages, which come back at the end.
                // No index on timestamp (migration v9): old messages sit at the head of
                // the table, so a batch reads little more than what it returns.
                sql += " ORDER BY rowid LIMIT ?"
            }
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.archiveRow)
        }
    }

    public func copyToArchive(_ messages: [Message]) async throws {
        try await copy(messages, into: "archived_messages")
    }

    public func deleteMessages(ids: [ObjectID]) async throws -> Int {
        try await delete(ids, from: "messages")
    }

    public func archivedMessages(room: ObjectID?, from: Date?, to: Date?, limit: Int) async throws -> [Message] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let room {
                conditions.append("room_id = ?")
                _ = arguments.append(contentsOf: [room.hex])
            }
            if let from {
                conditions.append("timestamp >= ?")
                _ = arguments.append(contentsOf: [from.millisecondsSince1970])
            }
            if let to {
                conditions.append("timestamp < ?")
                _ = arguments.append(contentsOf: [to.millisecondsSince1970])
            }
            var sql = "SELECT *, \(Self.roomNameColumn) FROM archived_messages"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY timestamp, id LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.archiveRow)
        }
    }

    public func copyFromArchive(_ messages: [Message]) async throws {
        try await copy(messages, into: "messages")
    }

    public func deleteArchived(ids: [ObjectID]) async throws -> Int {
        try await delete(ids, from: "archived_messages")
    }

    public func messageCounts(room: ObjectID?) async throws -> (live: Int, archived: Int) {
        try await pool.read { db in
            let filter = room == nil ? "" : " WHERE room_id = ?"
            let arguments: StatementArguments = room.map { [$0.hex] } ?? []
            let live = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages" + filter, arguments: arguments) ?? 0
            let archived = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM archived_messages" + filter, arguments: arguments) ?? 0
            return (live, archived)
        }
    }

    /// One pass: each bound is the least (greatest) of the zero-padded timestamp followed
    /// by the id, which orders by (timestamp, id) exactly as the other stores do.
    public func agedMessages(in place: LocatedMessage.Place, olderThan cutoff: Date, room: ObjectID?) async throws -> [AgedMessages] {
        let table = place == .live ? "messages" : "archived_messages"
        return try await pool.read { db in
            var sql = """
                SELECT room_id, COUNT(*) AS count, MIN(printf('%015d', timestamp) || id) AS first, MAX(printf('%015d', timestamp) || id) AS last
                FROM \(table) WHERE timestamp < ?
                """
            var arguments: StatementArguments = [cutoff.millisecondsSince1970]
            if let room {
                sql += " AND room_id = ?"
                _ = arguments.append(contentsOf: [room.hex])
            }
            sql += " GROUP BY room_id ORDER BY room_id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let (oldest, oldestID) = try Self.timeAndID(row, "first")
                let (newest, newestID) = try Self.timeAndID(row, "last")
                return AgedMessages(
                    roomID: try Self.objectID(row, "room_id"), count: row["count"], oldest: oldest, newest: newest, oldestID: oldestID, newestID: newestID)
            }
        }
    }

    /// `000001767225600000<hex id>` → the time and the id.
    private static func timeAndID(_ row: Row, _ column: String) throws -> (Date, ObjectID) {
        let text: String = row[column] ?? ""
        guard let milliseconds = Int64(text.prefix(15)), let id = ObjectID(hex: String(text.dropFirst(15))) else {
            throw ChatError(.internalError, field: column, message: "corrupt timestamp or ObjectId in \(column)")
        }
        return (Date(millisecondsSince1970: milliseconds), id)
    }

    private func copy(_ messages: [Message], into table: String) async throws {
        guard !messages.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO \(table) (id, content, sender_id, room_id, timestamp, seq, redacted_at, redacted_by, redaction_reason)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            // A message restored without a sequence number (archived before messages had
            // one) takes the next of its room's counter, so resume and gap repair can find
            // it; one statement per room of the batch. Archiving takes none.
            var next: [ObjectID: Int64] = [:]
            if table == "messages" {
                var unnumbered: [ObjectID: Int64] = [:]
                for m in messages where m.sequence <= 0 { unnumbered[m.roomID, default: 0] += 1 }
                for (roomID, count) in unnumbered { next[roomID] = try Self.takeSequences(count, inRoom: roomID, db: db) }
            }
            for m in messages {
                var sequence = m.sequence
                if sequence <= 0, let number = next[m.roomID] {
                    sequence = number
                    next[m.roomID] = number + 1
                }
                try statement.execute(arguments: [
                    m.id.hex, m.content, m.senderID.hex, m.roomID.hex, m.timestamp.millisecondsSince1970, sequence,
                    m.redaction?.at.millisecondsSince1970, m.redaction?.by, m.redaction?.reason,
                ])
            }
        }
    }

    private func delete(_ ids: [ObjectID], from table: String) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await pool.write { db in
            var deleted = 0
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                try db.execute(sql: "DELETE FROM \(table) WHERE id IN (\(placeholders))", arguments: StatementArguments(chunk.map(\.hex)))
                deleted += db.changesCount
            }
            return deleted
        }
    }

    /// The room's name beside each row (empty when the room is gone).
    static let roomNameColumn = "COALESCE((SELECT name FROM rooms WHERE rooms.id = room_id), '') AS room_name"

    static func archiveRow(_ row: Row) throws -> Message {
        Message(
            id: try objectID(row, "id"), roomID: try objectID(row, "room_id"), roomName: row["room_name"], senderID: try objectID(row, "sender_id"),
            senderName: "", content: row["content"], timestamp: Date(millisecondsSince1970: row["timestamp"]), sequence: row["seq"],
            redaction: redaction(from: row))
    }

    static func objectID(_ row: Row, _ column: String) throws -> ObjectID {
        let text: String = row[column]
        guard let id = ObjectID(hex: text) else { throw ChatError(.internalError, field: column, message: "corrupt ObjectId in column \(column)") }
        return id
    }
}
