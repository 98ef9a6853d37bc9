import ChatCore
import Foundation
import GRDB

/// A room's messages in time order (`messages_room_timestamp`, v20, and
/// `archived_messages_room_timestamp`, v3) and messages written back by id, on SQLite.
extension SQLiteChatStore {
    public func roomMessages(matching query: RoomMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message] {
        try await pool.read { db in
            let table = place == .live ? "messages" : "archived_messages"
            // `archived_messages` has no client ids.
            let clientID = place == .live ? "m.client_id" : "NULL"
            var conditions = ["m.room_id = ?"]
            var arguments: StatementArguments = [query.room.hex]
            if let from = query.from {
                conditions.append("m.timestamp >= ?")
                _ = arguments.append(contentsOf: [from.millisecondsSince1970])
            }
            if let to = query.to {
                conditions.append("m.timestamp < ?")
                _ = arguments.append(contentsOf: [to.millisecondsSince1970])
            }
            if let after = query.after {
                // The first term bounds the index range; the second skips the position's own millisecond up to its id.
                conditions.append("m.timestamp >= ? AND (m.timestamp > ? OR m.id > ?)")
                let ms = after.timestamp.millisecondsSince1970
                _ = arguments.append(contentsOf: [ms, ms, after.id.hex])
            }
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT m.id, m.content, m.sender_id, m.room_id, m.timestamp, m.seq, \(clientID) AS client_id,
                           COALESCE(r.name, '') AS room_name, COALESCE(c.username, '') AS sender_name,
                           m.redacted_at, m.redacted_by, m.redaction_reason
                    FROM \(table) m
                    LEFT JOIN rooms r ON r.id = m.room_id
                    LEFT JOIN clients c ON c.id = m.sender_id
                    WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY m.timestamp, m.id LIMIT ?
                    """,
                arguments: arguments
            ).map(Self.message(from:))
        }
    }

    /// One IMMEDIATE transaction (writers are serialised, across processes too), so the
    /// checks for an id already stored and a number already taken hold until the commit.
    /// The numbers the batch can keep go in first; then each room's counter moves past
    /// them and gives the others their numbers (one statement per room), so later posts
    /// are numbered after every one kept.
    public func importMessages(_ messages: [Message]) async throws -> Int {
        guard !messages.isEmpty else { return 0 }
        return try await pool.writeWithoutTransaction { db in
            var added = 0
            try db.inTransaction(.immediate) {
                let present = try db.cachedStatement(
                    sql: "SELECT EXISTS(SELECT 1 FROM messages WHERE id = ?1) OR EXISTS(SELECT 1 FROM archived_messages WHERE id = ?1)")
                let taken = try db.cachedStatement(
                    sql: """
                        SELECT EXISTS(SELECT 1 FROM messages WHERE room_id = ?1 AND seq = ?2)
                            OR EXISTS(SELECT 1 FROM archived_messages WHERE room_id = ?1 AND seq = ?2)
                        """)
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO messages (id, content, sender_id, room_id, timestamp, seq, redacted_at, redacted_by, redaction_reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                func store(_ m: Message, sequence: Int64) throws {
                    try insert.execute(arguments: [
                        m.id.hex, m.content, m.senderID.hex, m.roomID.hex, m.timestamp.millisecondsSince1970, sequence,
                        m.redaction?.at.millisecondsSince1970, m.redaction?.by, m.redaction?.reason,
                    ])
                    added += 1
                }
                var seen = Set<ObjectID>()
                var unnumbered: [Message] = []
                var highestKept: [ObjectID: Int64] = [:]
                var unnumberedCounts: [ObjectID: Int64] = [:]
                for m in messages where seen.insert(m.id).inserted {
                    if try Bool.fetchOne(present, arguments: [m.id.hex]) ?? false { continue }
                    var keep = m.sequence > 0
                    if keep, try Bool.fetchOne(taken, arguments: [m.roomID.hex, m.sequence]) ?? false { keep = false }
                    if keep {
                        try store(m, sequence: m.sequence)
                        highestKept[m.roomID] = max(highestKept[m.roomID] ?? 0, m.sequence)
                    } else {
                        unnumbered.append(m)
                        unnumberedCounts[m.roomID, default: 0] += 1
                    }
                }
                var next: [ObjectID: Int64] = [:]
                for roomID in Set(highestKept.keys).union(unnumberedCounts.keys) {
                    next[roomID] = try Self.takeSequences(
                        unnumberedCounts[roomID] ?? 0, inRoom: roomID, atLeast: highestKept[roomID] ?? 0, db: db)
                }
                for m in unnumbered {
                    try store(m, sequence: next[m.roomID]!)
                    next[m.roomID]! += 1
                }
                return .commit
            }
            return added
        }
    }
}
