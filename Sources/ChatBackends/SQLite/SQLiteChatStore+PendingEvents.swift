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
