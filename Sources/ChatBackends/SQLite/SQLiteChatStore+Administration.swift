import ChatCore
import Foundation
import GRDB

/// Operator changes to users and rooms, and the session-end log, on SQLite.
extension SQLiteChatStore {
    public func users(matching search: String?, limit: Int) async throws -> [User] {
        try await pool.read { db in
            guard let search, !search.isEmpty else {
                return try Row.fetchAll(db, sql: "SELECT * FROM clients ORDER BY username LIMIT ?", arguments: [limit]).map(Self.user(from:))
            }
            // LIKE is case-insensitive for ASCII; the operator's text is matched literally.
            let pattern = "%" + search.replacing("\\", with: "\\\\").replacing("%", with: "\\%").replacing("_", with: "\\_") + "%"
            return try Row.fetchAll(
                db, sql: "SELECT * FROM clients WHERE username LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\' ORDER BY username LIMIT ?2",
                arguments: [pattern, limit]
            ).map(Self.user(from:))
        }
    }

    public func setPasswordHash(_ hash: String, forUser id: ObjectID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE clients SET password_hash = ? WHERE id = ?", arguments: [hash, id.hex])
            return db.changesCount == 1
        }
    }

    public func setDisabled(_ disabled: Bool, forUser id: ObjectID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE clients SET disabled = ? WHERE id = ?", arguments: [disabled, id.hex])
            return db.changesCount == 1
        }
    }

    public func deleteUser(id: ObjectID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM clients WHERE id = ?", arguments: [id.hex])
            let deleted = db.changesCount == 1
            try db.execute(sql: "DELETE FROM room_members WHERE user_id = ?", arguments: [id.hex])
            try db.execute(sql: "DELETE FROM room_mutes WHERE user_id = ?", arguments: [id.hex])
            try db.execute(sql: "DELETE FROM notifications WHERE receiver_id = ?", arguments: [id.hex])
            return deleted
        }
    }

    public func removeMember(_ userID: ObjectID, fromRoom roomID: ObjectID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM room_members WHERE room_id = ? AND user_id = ?", arguments: [roomID.hex, userID.hex])
            return db.changesCount == 1
        }
    }

    public func roomCount(forMember userID: ObjectID) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM room_members WHERE user_id = ?", arguments: [userID.hex]) ?? 0
        }
    }

    /// Members and mutes go with the room (ON DELETE CASCADE).
    public func deleteRoom(id: ObjectID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM rooms WHERE id = ?", arguments: [id.hex])
            return db.changesCount == 1
        }
    }

    // MARK: Session ends

    public func recordSessionEnd(_ end: SessionEnd) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM session_ends WHERE at < ?", arguments: [Date().addingTimeInterval(-86_400).millisecondsSince1970])
            try db.execute(
                sql: "INSERT OR IGNORE INTO session_ends (id, user_id, reason, at) VALUES (?, ?, ?, ?)",
                arguments: [end.id.hex, end.userID.hex, end.reason, end.at.millisecondsSince1970])
        }
    }

    public func sessionEnds(since: Date) async throws -> [SessionEnd] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM session_ends WHERE at >= ? ORDER BY at, id", arguments: [since.millisecondsSince1970]
            ).map { row in
                SessionEnd(
                    id: try Self.id(row, "id"), userID: try Self.id(row, "user_id"), reason: row["reason"],
                    at: Date(millisecondsSince1970: row["at"]))
            }
        }
    }
}
