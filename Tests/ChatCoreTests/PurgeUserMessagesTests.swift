import ChatInProcess
import ChatCore
import Foundation
import Testing

@Suite("purging one user's messages")
struct PurgeUserMessagesTests {
    typealias Counts = PurgeUserMessages.Counts

    /// Progress as the use case reports it.
    actor Steps {
        var done: [Int] = []
        func add(_ count: Int) { done.append(count) }
    }

    struct Seeded {
        /// `lobby` and `side`, both with alice and bob.
        var rooms: [Room]
        var alice: User
        var bob: User
        /// Alice's eight, one second apart from `base`, alternating lobby and side; the first
        /// two archived. Bob got a notification of each.
        var spam: [Message]
        /// Bob's two, in the lobby, after them. Alice got a notification of each.
        var others: [Message]
        var base: Date
    }

    static func seeded(_ t: TestPorts) async throws -> Seeded {
        let store = t.ports.store
        let alice = try await t.user("alice"), bob = try await t.user("bob")
        let rooms = [Room(name: "lobby", members: [alice.id, bob.id]), Room(name: "side", members: [alice.id, bob.id])]
        for room in rooms { try await store.insertRoom(room) }
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        var spam: [Message] = []
        for index in 0..<8 {
            let room = rooms[index % 2]
            spam.append(try await store.insertMessage(Message(
                roomID: room.id, roomName: room.name, senderID: alice.id, senderName: alice.username, content: "spam \(index)",
                timestamp: base.addingTimeInterval(Double(index)))))
        }
        var others: [Message] = []
        for index in 0..<2 {
            others.append(try await store.insertMessage(Message(
                roomID: rooms[0].id, roomName: rooms[0].name, senderID: bob.id, senderName: bob.username, content: "hello \(index)",
                timestamp: base.addingTimeInterval(Double(10 + index)))))
        }
        for message in spam + others {
            let event = MessageEvent(message: message)
            _ = try await DeliverNotifications(store: store, pusher: ModerationTests.SilentPusher())(
                event, eventKey: NotificationID.eventKey(for: event, rawBody: []))
        }
        try await store.copyToArchive(Array(spam.prefix(2)))
        _ = try await store.deleteMessages(ids: spam.prefix(2).map(\.id))
        return Seeded(rooms: rooms, alice: alice, bob: bob, spam: spam, others: others, base: base)
    }

    @Test("delete: counted first (by room and time range too), then in batches, live then archived; one notice per room per batch, each message told once; notifications and cached history gone; others untouched; a rerun finds nothing")
    func delete() async throws {
        let t = await TestPorts()
        let s = try await Self.seeded(t)
        let store = t.ports.store
        #expect(try await RecentMessages(ports: t.ports)(room: s.rooms[0].id).count == 5)  // now cached
        let purge = PurgeUserMessages(store: store, cache: t.ports.cache, logger: t.ports.logger)
        #expect(try await purge.count(.init(sender: s.alice.id)) == Counts(live: 6, archived: 2))
        #expect(try await purge.count(.init(sender: s.alice.id, room: s.rooms[1].id)) == Counts(live: 3, archived: 1))
        #expect(try await purge.count(.init(sender: s.alice.id, from: s.base.addingTimeInterval(1), to: s.base.addingTimeInterval(4))) == Counts(live: 2, archived: 1))

        let before = Date().addingTimeInterval(-1)
        let steps = Steps()
        let report = try await purge(.init(sender: s.alice.id, batchSize: 3, pause: .zero), by: "root@ops1") { done, _ in await steps.add(done) }
        #expect(report.kind == .deleted && report.found == Counts(live: 6, archived: 2))
        #expect(report.purged == 8 && report.batches == 3 && report.notifications == 8)
        #expect(await steps.done == [3, 6, 8])

        // Batches [2 3 4] and [5 6 7] live, [0 1] archived: each has both rooms.
        let notices = try await store.moderationNotices(since: before)
        #expect(report.notices == 6 && notices.count == 6)
        #expect(notices.allSatisfy { $0.kind == .deleted && $0.messageIDs.count <= 3 })
        let told = notices.flatMap(\.messageIDs)
        #expect(told.count == 8 && Set(told) == Set(s.spam.map(\.id)), "each message told once")
        for notice in notices {
            let room = try #require(s.rooms.first { $0.id == notice.roomID })
            #expect(notice.roomName == room.name)
            #expect(notice.messageIDs.allSatisfy { id in s.spam.first { $0.id == id }?.roomID == room.id }, "a room is told only of its own messages")
        }

        #expect(try await purge.count(.init(sender: s.alice.id)) == Counts(live: 0, archived: 0))
        let counts = try await store.messageCounts(room: nil)
        #expect(counts.live == 2 && counts.archived == 0)
        #expect(try await RecentMessages(ports: t.ports)(room: s.rooms[0].id).map(\.content) == ["hello 1", "hello 0"], "the cached history was dropped")
        #expect(try await store.notifications(for: s.bob.id, query: NotificationQuery()).isEmpty)
        #expect(try await store.notifications(for: s.alice.id, query: NotificationQuery()).count == 2, "those of bob's messages stay")

        let again = try await purge(.init(sender: s.alice.id, batchSize: 3, pause: .zero), by: "root@ops1")
        #expect(again.found.total == 0 && again.purged == 0 && again.batches == 0 && again.notices == 0)
        #expect(try await store.moderationNotices(since: before).count == 6)
    }

    @Test("redact: content gone, place kept, notifications emptied; stopped after a batch, a rerun does only what is left and keeps the first redactions; then nothing is left")
    func redactStoppedAndRerun() async throws {
        let t = await TestPorts()
        let s = try await Self.seeded(t)
        let store = t.ports.store
        let purge = PurgeUserMessages(store: store, cache: t.ports.cache, logger: t.ports.logger)
        let before = Date().addingTimeInterval(-1)
        let options = PurgeUserMessages.Options(sender: s.alice.id, redact: true, reason: " spam wave ", batchSize: 2, pause: .zero)
        // Cancelled during its first batch: it stops before the next one, as a stopped run does.
        let first = try await Task {
            try await purge(options, by: "root@ops1") { _, _ in withUnsafeCurrentTask { $0?.cancel() } }
        }.value
        #expect(first.kind == .redacted && first.found == Counts(live: 6, archived: 2) && first.purged == 2 && first.batches == 1)
        let left = try await purge.count(options)
        #expect(left == Counts(live: 4, archived: 2), "a redaction's rerun skips what is redacted")

        let rest = try await purge(
            PurgeUserMessages.Options(sender: s.alice.id, redact: true, reason: "again", batchSize: 2, pause: .zero), by: "someone@else")
        #expect(rest.found == left && rest.purged == 6 && rest.batches == 3)

        let everything = SenderMessageQuery(sender: s.alice.id)
        let live = try await store.messages(matching: everything, in: .live, limit: 100)
        let archived = try await store.messages(matching: everything, in: .archived, limit: 100)
        #expect(live.map(\.id) == s.spam.dropFirst(2).map(\.id) && archived.map(\.id) == s.spam.prefix(2).map(\.id), "every message keeps its place")
        #expect(live.map(\.sequence) == s.spam.dropFirst(2).map(\.sequence))
        #expect((live + archived).allSatisfy { $0.content.isEmpty && $0.isRedacted })
        #expect(live.prefix(2).allSatisfy { $0.redaction?.by == "root@ops1" && $0.redaction?.reason == "spam wave" }, "the first redactions stand")
        #expect(live.dropFirst(2).allSatisfy { $0.redaction?.by == "someone@else" && $0.redaction?.reason == "again" })
        #expect(try await store.messages(matching: SenderMessageQuery(sender: s.bob.id), in: .live, limit: 100).map(\.content) == ["hello 0", "hello 1"])
        let notifications = try await store.notifications(for: s.bob.id, query: NotificationQuery())
        #expect(notifications.count == 8 && notifications.allSatisfy { $0.content.isEmpty })
        #expect(try await store.notifications(for: s.alice.id, query: NotificationQuery()).allSatisfy { !$0.content.isEmpty })

        let notices = try await store.moderationNotices(since: before)
        #expect(notices.allSatisfy { $0.kind == .redacted })
        let told = notices.flatMap(\.messageIDs)
        #expect(told.count == 8 && Set(told) == Set(s.spam.map(\.id)), "each message told once")
        let nothing = try await purge(options, by: "root@ops1")
        #expect(nothing.found.total == 0 && nothing.batches == 0)
        #expect(try await store.moderationNotices(since: before).count == notices.count)
    }

    @Test("a bad reason or an empty time range is refused, naming the field, before anything changes")
    func refused() async throws {
        let t = await TestPorts()
        let s = try await Self.seeded(t)
        let purge = PurgeUserMessages(store: t.ports.store, cache: t.ports.cache, logger: t.ports.logger)
        await #expect(throws: ChatError.invalid("reason", "reason contains control characters")) {
            try await purge(.init(sender: s.alice.id, redact: true, reason: "a\u{7}b"), by: "root@ops1")
        }
        await #expect(throws: ChatError.invalid("until", "until must be later than since")) {
            try await purge(.init(sender: s.alice.id, from: s.base, to: s.base), by: "root@ops1")
        }
        #expect(try await purge.count(.init(sender: s.alice.id)) == Counts(live: 6, archived: 2), "nothing changed")
    }
}
