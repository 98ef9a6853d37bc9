import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Logging
import Testing

/// Forwards to a store and fails `deleteMessages` on its Nth call (after that batch's
/// copy succeeded): a crash between copy and delete.
final class FailingDeleteStore: ArchiveStore, @unchecked Sendable {
    // `calls` is touched by one archive run at a time.
    let base: any ChatStore
    let failOnCall: Int
    var calls = 0

    init(base: any ChatStore, failOnCall: Int) {
        self.base = base
        self.failOnCall = failOnCall
    }

    struct Injected: Error {}

    func oldMessageSummary(olderThan cutoff: Date, room: ObjectID?) async throws -> [OldMessageSummary] { try await base.oldMessageSummary(olderThan: cutoff, room: room) }
    func oldMessages(olderThan cutoff: Date, room: ObjectID?, limit: Int) async throws -> [Message] { try await base.oldMessages(olderThan: cutoff, room: room, limit: limit) }
    func copyToArchive(_ messages: [Message]) async throws { try await base.copyToArchive(messages) }
    func deleteMessages(ids: [ObjectID]) async throws -> Int {
        calls += 1
        if calls == failOnCall { throw Injected() }
        return try await base.deleteMessages(ids: ids)
    }
    func archivedMessages(room: ObjectID?, from: Date?, to: Date?, limit: Int) async throws -> [Message] { try await base.archivedMessages(room: room, from: from, to: to, limit: limit) }
    func copyFromArchive(_ messages: [Message]) async throws { try await base.copyFromArchive(messages) }
    func deleteArchived(ids: [ObjectID]) async throws -> Int { try await base.deleteArchived(ids: ids) }
    func messageCounts(room: ObjectID?) async throws -> (live: Int, archived: Int) { try await base.messageCounts(room: room) }
    func agedMessages(in place: LocatedMessage.Place, olderThan cutoff: Date, room: ObjectID?) async throws -> [AgedMessages] {
        try await base.agedMessages(in: place, olderThan: cutoff, room: room)
    }
}

@Suite("archiving, exactly once")
struct ArchiveTests {
    static let now = Date()
    static let cutoff = now.addingTimeInterval(-30 * 86_400)

    /// A room with `old` messages from 40 days ago (1 ms apart) and `recent` from today.
    static func seed(_ store: any ChatStore, old: Int, recent: Int) async throws -> (room: Room, oldIDs: Set<ObjectID>) {
        let room = Room(name: "archive-\(UUID().uuidString.prefix(6))", members: [])
        try await store.insertRoom(room)
        let sender = ObjectID()
        let start = now.addingTimeInterval(-40 * 86_400)
        var oldIDs = Set<ObjectID>()
        for first in stride(from: 0, to: old, by: 500) {
            let batch = (first..<min(first + 500, old)).map {
                Message(roomID: room.id, roomName: room.name, senderID: sender, senderName: "s", content: "old \($0)", timestamp: start.addingTimeInterval(Double($0) / 1000))
            }
            oldIDs.formUnion(try await store.insertMessages(batch).map(\.id))
        }
        _ = try await store.insertMessages((0..<recent).map {
            Message(roomID: room.id, roomName: room.name, senderID: sender, senderName: "s", content: "new \($0)", timestamp: now.addingTimeInterval(Double(-$0)))
        })
        return (room, oldIDs)
    }

    @Test("5,000 messages: a failure after a copy and a crash mid-batch, then a rerun — every message exactly once; restore brings them back", arguments: TestStores.kinds)
    func exactlyOnce(kind: TestStores.Kind) async throws {
        // The MongoDB case moves 10,000 documents: on a stand-in of its own, since the
        // shared one is a single Python thread and these batches would hold every other
        // MongoDB test behind them (past their timeouts, on a busy machine).
        let own = kind == .mongodb && MongoStandinProcess.isAvailable ? try await MongoStandinProcess() : nil
        defer { own?.stop() }
        let store: any ChatStore = if let own { try await TestStores.mongo(uri: own.uri) } else { try await TestStores.make(kind) }
        let cache = MemoryRecentCache()
        let (room, oldIDs) = try await Self.seed(store, old: 5_000, recent: 10)
        let options = ArchiveMessages.Options(cutoff: Self.cutoff, room: room.id, batchSize: 1000, pause: .zero)

        // The dry run reports what the real run then moves, and changes nothing.
        let dry = try await ArchiveMessages(store: store, cache: cache).dryRun(options)
        #expect(dry.candidates == 5_000 && dry.moved == 5_000)
        #expect(dry.rooms.first?.bytes == oldIDs.count * 0 + (0..<5_000).reduce(0) { $0 + "old \($1)".utf8.count })
        #expect(try await store.messageCounts(room: room.id) == (5_010, 0))

        // Failure after batch 3's copy, before its delete.
        let failing = FailingDeleteStore(base: store, failOnCall: 3)
        await #expect(throws: FailingDeleteStore.Injected.self) { try await ArchiveMessages(store: failing, cache: cache)(options) }
        #expect(try await store.messageCounts(room: room.id) == (3_010, 3_000), "batch 3 is in both collections")

        // A crash in the middle of the next copy: half of a batch copied, none deleted.
        let next = try await store.oldMessages(olderThan: Self.cutoff, room: room.id, limit: 2_000)
        try await store.copyToArchive(Array(next[1_000..<1_500]))

        let rerun = try await ArchiveMessages(store: store, cache: cache)(options)
        #expect(rerun.moved == 3_000)
        #expect(try await store.messageCounts(room: room.id) == (10, 5_000))
        let archived = try await store.archivedMessages(room: room.id, from: nil, to: nil, limit: 10_000)
        #expect(archived.count == 5_000 && Set(archived.map(\.id)) == oldIDs, "each old message archived exactly once")
        let live = try await store.recentMessages(inRoom: room.id, limit: 100)
        #expect(live.count == 10 && live.allSatisfy { $0.content.hasPrefix("new") }, "a join shows only unarchived messages")
        #expect(try await ArchiveMessages(store: store, cache: cache)(options).moved == 0, "a second run has nothing to do")

        let restored = try await RestoreMessages(store: store, cache: cache)(room: room.id, batchSize: 1_000)
        #expect(restored.restored == 5_000)
        #expect(try await store.messageCounts(room: room.id) == (5_010, 0))
        #expect(try await store.recentMessages(inRoom: room.id, limit: 60).count == 60)
    }

    @Test("a join after archiving shows only unarchived messages, even with the history cached before", arguments: TestStores.kinds)
    func joinAfterArchive(kind: TestStores.Kind) async throws {
        let store = try await TestStores.make(kind)
        let cache = MemoryRecentCache()
        let ports = await ChatPorts.inMemory(store: store, cache: cache)
        let (room, _) = try await Self.seed(store, old: 40, recent: 3)
        #expect(try await RecentMessages(ports: ports)(room: room.id).count == 43, "history cached with old messages")
        _ = try await ArchiveMessages(store: store, cache: cache)(.init(cutoff: Self.cutoff, room: room.id, pause: .zero))
        let after = try await RecentMessages(ports: ports)(room: room.id)
        #expect(after.count == 3 && after.allSatisfy { $0.content.hasPrefix("new") })
        _ = try await RestoreMessages(store: store, cache: cache)(room: room.id)
        #expect(try await RecentMessages(ports: ports)(room: room.id).count == 43)
    }

    @Test("a room whose every message was archived goes on numbering after the archived ones", arguments: TestStores.kinds)
    func sequenceAfterArchivingAll(kind: TestStores.Kind) async throws {
        let store = try await TestStores.make(kind)
        let (room, _) = try await Self.seed(store, old: 5, recent: 0)
        _ = try await ArchiveMessages(store: store, cache: MemoryRecentCache())(.init(cutoff: Self.cutoff, room: room.id, pause: .zero))
        #expect(try await store.messageCounts(room: room.id) == (0, 5))
        let next = try await store.insertMessages([
            Message(roomID: room.id, roomName: room.name, senderID: ObjectID(), senderName: "s", content: "after", timestamp: Self.now)
        ])
        #expect(next.map(\.sequence) == [6], "a number an archived message has would make resume and gap repair skip or repeat")
    }

    @Test("--limit stops after N; other rooms and newer messages are untouched", arguments: TestStores.kinds)
    func limitAndScope(kind: TestStores.Kind) async throws {
        let store = try await TestStores.make(kind)
        let (room, _) = try await Self.seed(store, old: 30, recent: 2)
        let (other, _) = try await Self.seed(store, old: 5, recent: 0)
        let report = try await ArchiveMessages(store: store, cache: MemoryRecentCache())(
            .init(cutoff: Self.cutoff, room: room.id, batchSize: 7, limit: 20, pause: .zero))
        #expect(report.moved == 20 && report.batches == 3)
        #expect(try await store.messageCounts(room: room.id) == (12, 20))
        #expect(try await store.messageCounts(room: other.id) == (5, 0))
    }
}

@Suite("age cut-offs")
struct AgeCutoffTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("durations and RFC 3339 times", arguments: [
        ("90m", 5_400.0), ("12h", 43_200), ("30d", 2_592_000), ("2w", 1_209_600), ("45s", 45), ("1d12h", 129_600),
    ])
    func valid(text: String, seconds: Double) throws {
        #expect(try AgeCutoff.parse(text, now: now) == now.addingTimeInterval(-seconds))
    }

    @Test("an absolute time is used as it is")
    func absolute() throws {
        #expect(try AgeCutoff.parse("2026-01-31T00:00:00Z", now: now) == RFC3339.date(from: "2026-01-31T00:00:00Z"))
    }

    @Test("bad input is a clear error naming the option", arguments: ["", "30", "d", "30x", "-5d", "1.5d", "2099-01-01T00:00:00Z", "0d", "30 d"])
    func invalid(text: String) {
        let error = #expect(throws: ChatError.self) { try AgeCutoff.parse(text, now: now) }
        #expect(error?.field == "older-than")
    }
}
