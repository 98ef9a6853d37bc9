import ChatCore
import GRDB

/// A room's sequence counter on SQLite: `rooms.last_seq` (migration v22), the last
/// number the room gave out, as MongoDB's `rooms.last_seq`. It only moves forward:
/// deleting, purging, archiving or expiring messages never lowers it, so a number is
/// never given twice (a chat node that delivered a number drops a later message
/// carrying it as a repeat). Every statement here runs inside the caller's write
/// transaction.
extension SQLiteChatStore {
    /// The next number of a room from its messages (one argument, its id): after its
    /// newest live message, or, when every message of the room was archived, after the
    /// newest archived one. Only for a message whose room has no row (so no counter),
    /// which no read can join to a room anyway.
    static let nextSequenceSQL = """
        SELECT COALESCE((SELECT MAX(seq) FROM messages WHERE room_id = ?1), (SELECT MAX(seq) FROM archived_messages WHERE room_id = ?1), 0) + 1
        """

    /// Moves the room's counter up to at least `floor`, then takes `count` numbers from
    /// it, in one statement (`UPDATE … RETURNING`, SQLite 3.35 or later). Returns the
    /// first number taken (when `count` is 0, the counter plus one).
    static func takeSequences(_ count: Int64, inRoom roomID: ObjectID, atLeast floor: Int64 = 0, db: Database) throws -> Int64 {
        // Prepared once per connection: the hot path of every post runs it once per room and batch.
        let take = try db.cachedStatement(sql: "UPDATE rooms SET last_seq = MAX(last_seq, ?) + ? WHERE id = ? RETURNING last_seq")
        if let last = try Int64.fetchOne(take, arguments: [floor, count, roomID.hex]) { return last - count + 1 }
        let next = try Int64.fetchOne(db.cachedStatement(sql: nextSequenceSQL), arguments: [roomID.hex]) ?? 1
        return max(next, floor + 1)
    }

    /// Moves each room's counter up to the highest `seq` of `messages` (never down): what
    /// a write that keeps the numbers it is given (`db copy`) owes the rooms. One
    /// statement per room; a room without a row is left alone.
    static func raiseSequences(toCover messages: [Message], db: Database) throws {
        var highest: [ObjectID: Int64] = [:]
        for message in messages where message.sequence > 0 {
            highest[message.roomID] = max(highest[message.roomID] ?? 0, message.sequence)
        }
        guard !highest.isEmpty else { return }
        let raise = try db.cachedStatement(sql: "UPDATE rooms SET last_seq = MAX(last_seq, ?) WHERE id = ?")
        for (roomID, sequence) in highest {
            try raise.execute(arguments: [sequence, roomID.hex])
        }
    }
}
