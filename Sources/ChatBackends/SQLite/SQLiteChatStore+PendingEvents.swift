import ChatCore
import Foundation
import GRDB

/// Pending events on SQLite: table `pending_events`.
extension SQLiteChatStore {
    public func markEventsPending(_ events: [PendingEvent]) async throws {
        guard !events.isEmpty else { return }
        try await pool.write { db in
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO pending_events (message_id, room_id, since) VALUES (?, ?, ?)")
            for event in events {
                try insert.execute(arguments: [event.messageID.hex, event.roomID.hex, event.since.millisecondsSince1970])
            }
        }
    }

    public func clearPendingEvents(messageIDs: [ObjectID]) async throws {
        guard !messageIDs.isEmpty else { return }
        try await pool.write { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM pending_events WHERE message_id = ?")
            for id in messageIDs { try delete.execute(arguments: [id.hex]) }
        }
    }

    /// One write transaction: the marks read are updated before any other writer (a
    /// process sharing the file included) can see or claim them.
    public func claimPendingEvents(before: Date, now: Date, limit: Int) async throws -> [PendingEvent] {
        try await pool.write { db in
            let due = try Row.fetchAll(
                db, sql: "SELECT message_id, room_id FROM pending_events WHERE since < ? ORDER BY since, message_id LIMIT ?",
                arguments: [before.millisecondsSince1970, limit]
            ).map { row in
                PendingEvent(messageID: try Self.objectID(row, "message_id"), roomID: try Self.objectID(row, "room_id"), since: now)
            }
            let claim = try db.cachedStatement(sql: "UPDATE pending_events SET since = ? WHERE message_id = ?")
            for event in due { try claim.execute(arguments: [event.since.millisecondsSince1970, event.messageID.hex]) }
            return due
        }
    }

    public func refreshPendingEvents(messageIDs: [ObjectID], now: Date) async throws {
        guard !messageIDs.isEmpty else { return }
        try await pool.write { db in
            let refresh = try db.cachedStatement(sql: "UPDATE pending_events SET since = ? WHERE message_id = ?")
            for id in messageIDs { try refresh.execute(arguments: [now.millisecondsSince1970, id.hex]) }
        }
    }

    public func pendingEvents(before: Date, limit: Int) async throws -> [PendingEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM pending_events WHERE since < ? ORDER BY since, message_id LIMIT ?",
                arguments: [before.millisecondsSince1970, limit]
            ).map { row in
                PendingEvent(
                    messageID: try Self.objectID(row, "message_id"), roomID: try Self.objectID(row, "room_id"),
                    since: Date(millisecondsSince1970: row["since"]))
            }
        }
    }
}
