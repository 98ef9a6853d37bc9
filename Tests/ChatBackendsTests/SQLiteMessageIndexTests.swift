import ChatBackends
import ChatCore
import Foundation
import GRDB
import Testing

/// Every post writes one page of each index on `messages` to the WAL, so the table
/// carries only the indexes a hot path or the archive needs.
@Suite("SQLite messages: the indexes a post pays for")
struct SQLiteMessageIndexTests {
    static func freshStore() async throws -> (SQLiteChatStore, String) {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("chatctl-index-\(UUID().uuidString)").appendingPathComponent("chat.sqlite").path
        return (try await SQLiteChatStore.open(path: path), path)
    }

    @Test("messages has its id, room+seq (history, resume, one room's archive), room+time (export), client-id and sender+time (purge) indexes, nothing by timestamp alone")
    func indexes() async throws {
        let (store, path) = try await Self.freshStore()
        await store.close()
        let queue = try DatabaseQueue(path: path)
        let names = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' ORDER BY name")
        }
        #expect(names == ["messages_room_seq", "messages_room_timestamp", "messages_sender_client_id", "messages_sender_timestamp", "sqlite_autoindex_messages_1"])
        let plan = try await queue.read { db in
            try String.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT * FROM messages WHERE timestamp < 0 ORDER BY rowid LIMIT 10", arguments: [])
        }
        #expect(!plan.joined().contains("TEMP B-TREE"), "the archive's scan must not sort: \(plan)")
    }

    @Test("a room export's page walks messages_room_timestamp from the last page's position, sorting at most a millisecond's ties")
    func exportPagePlan() async throws {
        let (store, path) = try await Self.freshStore()
        await store.close()
        let queue = try DatabaseQueue(path: path)
        let plan = try await queue.read { db in
            // The plan's `detail` column (the first is a row id).
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT m.id FROM messages m LEFT JOIN rooms r ON r.id = m.room_id LEFT JOIN clients c ON c.id = m.sender_id
                    WHERE m.room_id = 'a' AND m.timestamp >= 0 AND (m.timestamp > 0 OR m.id > 'b') ORDER BY m.timestamp, m.id LIMIT 10
                    """
            ).map { row -> String in row["detail"] }
        }
        #expect(plan.joined().contains("messages_room_timestamp"), "\(plan)")
        #expect(!plan.joined().contains("USE TEMP B-TREE FOR ORDER BY"), "no sort of the whole room: \(plan)")
    }

    @Test("archiving across rooms finds every old message, oldest first, and finds a restored one again")
    func archiveAcrossRooms() async throws {
        let (store, _) = try await Self.freshStore()
        let now = Date()
        let cutoff = now.addingTimeInterval(-30 * 86_400)
        let rooms = [Room(name: "north"), Room(name: "south")]
        for room in rooms { try await store.insertRoom(room) }
        let sender = ObjectID()
        // Interleaved rooms, stored oldest first; the last ten are recent.
        let messages = (0..<50).map { index in
            let room = rooms[index % 2]
            let age: TimeInterval = index < 40 ? 40 * 86_400 - Double(index) * 60 : Double(50 - index)
            return Message(roomID: room.id, roomName: room.name, senderID: sender, senderName: "s", content: "m\(index)", timestamp: now.addingTimeInterval(-age))
        }
        for message in messages { _ = try await store.insertMessages([message]) }

        let old = try await store.oldMessages(olderThan: cutoff, room: nil, limit: 1_000)
        #expect(old.map(\.content) == (0..<40).map { "m\($0)" })
        let firstBatch = try await store.oldMessages(olderThan: cutoff, room: nil, limit: 15)
        #expect(firstBatch.map(\.content) == (0..<15).map { "m\($0)" })

        try await store.copyToArchive(old)
        #expect(try await store.deleteMessages(ids: old.map(\.id)) == 40)
        #expect(try await store.oldMessages(olderThan: cutoff, room: nil, limit: 1_000).isEmpty)

        // A restored message is stored again after the recent ones; the next run still finds it.
        let restored = try #require(old.first)
        try await store.copyFromArchive([restored])
        #expect(try await store.oldMessages(olderThan: cutoff, room: nil, limit: 1_000).map(\.content) == ["m0"])
        #expect(try await store.oldMessageSummary(olderThan: cutoff, room: nil).map(\.count) == [1])
        await store.close()
    }
}
