import ChatBackends
import ChatCore
import Foundation
import GRDB
import Testing

/// Only chatctl writes a SQLite store, so its history is by room sequence: every
/// message must have one.
@Suite("SQLite: every message has a room sequence number")
struct SQLiteSequenceMigrationTests {
    @Test("migration v10 numbers the rooms whose messages (stored before v2) had none, in time order; other rooms keep theirs")
    func numbersOldRooms() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatctl-seq-\(UUID().uuidString)").appendingPathComponent("chat.sqlite").path
        let store = try await SQLiteChatStore.open(path: path)
        let old = Room(name: "old"), kept = Room(name: "kept")
        for room in [old, kept] { try await store.insertRoom(room) }
        let sender = ObjectID()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        // Stored out of time order, as a pre-v2 store may hold them.
        for offset in [3, 1, 2, 0] {
            try await store.insertMessage(Message(
                roomID: old.id, roomName: old.name, senderID: sender, senderName: "s", content: "old-\(offset)",
                timestamp: start.addingTimeInterval(Double(offset))))
        }
        for index in 0..<2 {
            try await store.insertMessage(Message(roomID: kept.id, roomName: kept.name, senderID: sender, senderName: "s", content: "kept-\(index)"))
        }
        await store.close()

        // As a store from before v2 left them: the old room's messages without a number,
        // and v10 not yet applied.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE messages SET seq = 0 WHERE room_id = ?", arguments: [old.id.hex])
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v10-every-message-has-a-sequence'")
        }
        let keptBefore = try await queue.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM messages WHERE room_id = ? ORDER BY rowid", arguments: [kept.id.hex])
        }
        try queue.close()

        let migrated = try await SQLiteChatStore.open(path: path)
        let history = try await migrated.recentMessages(inRoom: old.id, limit: 10)
        #expect(history.map(\.content) == ["old-3", "old-2", "old-1", "old-0"], "newest first by the new numbers")
        #expect(history.map(\.sequence) == [4, 3, 2, 1])
        let resumed = try await migrated.messages(inRoom: old.id, after: history[3], limit: 10)
        #expect(resumed.map(\.content) == ["old-1", "old-2", "old-3"], "resume finds them")
        #expect(try await migrated.recentMessages(inRoom: kept.id, limit: 10).map(\.sequence).reversed() == keptBefore)
        await migrated.close()
    }
}
