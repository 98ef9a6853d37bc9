import ChatBackends
import ChatCore
import Foundation
import GRDB
import Testing

/// A SQLite store from before migration v22 numbered a room's posts after its highest
/// `seq`; v22 gives each room a counter (`rooms.last_seq`) that starts there.
@Suite("SQLite: migration v22 gives every room its sequence counter")
struct SQLiteRoomCounterMigrationTests {
    @Test("v22 back-fills each room's counter from its highest seq, live or archived (0 for a room without messages); posts go on from it, past a deleted newest message")
    func backFills() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatctl-last-seq-\(UUID().uuidString)").appendingPathComponent("chat.sqlite").path
        let store = try await SQLiteChatStore.open(path: path)
        let live = Room(name: "live"), archived = Room(name: "archived"), empty = Room(name: "empty")
        for room in [live, archived, empty] { try await store.insertRoom(room) }
        let sender = ObjectID()
        func message(_ content: String, in room: Room) -> Message {
            Message(roomID: room.id, roomName: room.name, senderID: sender, senderName: "s", content: content)
        }
        // `live`: five messages, the two oldest archived; `archived`: three, all archived.
        let inLive = try await store.insertMessages((1...5).map { message("live-\($0)", in: live) })
        let inArchived = try await store.insertMessages((1...3).map { message("archived-\($0)", in: archived) })
        let moved = Array(inLive.prefix(2)) + inArchived
        try await store.copyToArchive(moved)
        _ = try await store.deleteMessages(ids: moved.map(\.id))
        await store.close()

        // As a store from before v22 left it: no counter column, v22 not yet applied.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "ALTER TABLE rooms DROP COLUMN last_seq")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v22-room-last-seq'")
        }
        let columns = try await queue.read { db in try db.columns(in: "rooms").map(\.name) }
        #expect(!columns.contains("last_seq"))
        try queue.close()

        let migrated = try await SQLiteChatStore.open(path: path)
        guard case .rooms(let records) = try await migrated.records(of: .rooms, after: nil, limit: 10) else {
            Issue.record("not a batch of rooms")
            return
        }
        let counters = Dictionary(uniqueKeysWithValues: records.map { ($0.room.name, $0.lastSequence) })
        #expect(counters == ["live": 5, "archived": 3, "empty": 0])

        let next = try await migrated.insertMessages([message("live-6", in: live), message("archived-4", in: archived), message("empty-1", in: empty)])
        #expect(next.map(\.sequence) == [6, 4, 1])
        #expect(try await migrated.deleteMessages(ids: [next[0].id]) == 1)
        #expect(try await migrated.insertMessage(message("live-7", in: live)).sequence == 7, "the deleted newest's number is not given again")
        await migrated.close()
    }
}
