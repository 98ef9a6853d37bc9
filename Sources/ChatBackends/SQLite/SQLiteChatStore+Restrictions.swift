import ChatCore
import Foundation
import GRDB

/// Room rules (columns of `rooms`, migrations v15 and v21), mutes (`room_mutes`, v16) and bans
/// (columns of `clients`, v17) on SQLite.
extension SQLiteChatStore {
    /// Read, changed (`RoomRules.applying`) and written in one write transaction, so two
    /// changes at once both hold (SQLite serialises writers, across processes too).
    public func changeRoomRules(_ change: RoomRules.Change, roomID: ObjectID) async throws -> Room? {
        try await pool.write { db -> Room? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM rooms WHERE id = ?", arguments: [roomID.hex]) else { return nil }
            let rules = Self.rules(from: row).applying(change)
            try db.execute(
                sql: """
                    UPDATE rooms SET read_only = ?, slow_mode_seconds = ?, topic = ?, moderators = ?, archive_after_seconds = ?, retention_seconds = ?
                    WHERE id = ?
                    """,
                arguments: [
                    rules.readOnly, rules.slowModeSeconds, rules.topic, Self.moderatorsColumn(rules.moderators), rules.archiveAfterSeconds,
                    rules.retention.map(Self.retentionColumn), roomID.hex,
                ])
            guard let changed = try Row.fetchOne(db, sql: "SELECT * FROM rooms WHERE id = ?", arguments: [roomID.hex]) else { return nil }
            return try Self.room(from: changed, db: db)
        }
    }

    public func muteUser(_ mute: RoomMute) async throws {
        let now = Date().millisecondsSince1970
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM room_mutes WHERE until IS NOT NULL AND until <= ?", arguments: [now])
            try db.execute(
                sql: "INSERT OR REPLACE INTO room_mutes (room_id, user_id, until, reason, muted_by, at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    mute.roomID.hex, mute.userID.hex, mute.until?.millisecondsSince1970, mute.reason, mute.by, mute.at.millisecondsSince1970,
                ])
        }
    }

    public func unmuteUser(_ userID: ObjectID, inRoom roomID: ObjectID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM room_mutes WHERE room_id = ? AND user_id = ?", arguments: [roomID.hex, userID.hex])
            return db.changesCount == 1
        }
    }

    public func mutes(inRoom roomID: ObjectID, at now: Date) async throws -> [RoomMute] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM room_mutes WHERE room_id = ? AND (until IS NULL OR until > ?) ORDER BY at, user_id",
                arguments: [roomID.hex, now.millisecondsSince1970]
            ).map(Self.mute(from:))
        }
    }

    public func mutes(ofUser userID: ObjectID, at now: Date) async throws -> [RoomMute] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM room_mutes WHERE user_id = ? AND (until IS NULL OR until > ?) ORDER BY at, room_id",
                arguments: [userID.hex, now.millisecondsSince1970]
            ).map(Self.mute(from:))
        }
    }

    public func setBan(_ ban: Ban?, forUser id: ObjectID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE clients SET banned_at = ?, banned_until = ?, ban_reason = ?, banned_by = ? WHERE id = ?",
                arguments: [ban?.at.millisecondsSince1970, ban?.until?.millisecondsSince1970, ban?.reason, ban?.by, id.hex])
            return db.changesCount == 1
        }
    }

    static func mute(from row: Row) throws -> RoomMute {
        let until: Int64? = row["until"]
        return RoomMute(
            roomID: try id(row, "room_id"), userID: try id(row, "user_id"), until: until.map { Date(millisecondsSince1970: $0) },
            reason: row["reason"], by: row["muted_by"], at: Date(millisecondsSince1970: row["at"]))
    }
}
