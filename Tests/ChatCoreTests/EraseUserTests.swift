import ChatInProcess
import ChatCore
import Foundation
import Testing

@Suite("erasing a user")
struct EraseUserTests {
    struct Seeded {
        var rooms: [Room]
        var alice: User
        var bob: User
        /// Alice's nine, one second apart, alternating lobby and side; the first three archived.
        var said: [Message]
        /// Bob's two, in the lobby.
        var others: [Message]
    }

    /// Alice (to be erased) and bob in `lobby` and `side`; each got a notification of the
    /// other's messages; carol, who left the lobby since, still has one of alice's; alice is
    /// muted in `side`.
    static func seeded(_ t: TestPorts) async throws -> Seeded {
        let store = t.ports.store
        let alice = try await t.user("alice"), bob = try await t.user("bob"), carol = try await t.user("carol")
        let rooms = [Room(name: "lobby", members: [alice.id, bob.id]), Room(name: "side", members: [alice.id, bob.id])]
        for room in rooms { try await store.insertRoom(room) }
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        var said: [Message] = []
        for index in 0..<9 {
            let room = rooms[index % 2]
            said.append(try await store.insertMessage(Message(
                roomID: room.id, roomName: room.name, senderID: alice.id, senderName: alice.username, content: "secret \(index)",
                timestamp: base.addingTimeInterval(Double(index)))))
        }
        var others: [Message] = []
        for index in 0..<2 {
            others.append(try await store.insertMessage(Message(
                roomID: rooms[0].id, roomName: rooms[0].name, senderID: bob.id, senderName: bob.username, content: "hello \(index)",
                timestamp: base.addingTimeInterval(Double(20 + index)))))
        }
        for message in said + others {
            let event = MessageEvent(message: message)
            _ = try await DeliverNotifications(store: store, pusher: ModerationTests.SilentPusher())(
                event, eventKey: NotificationID.eventKey(for: event, rawBody: []))
        }
        try await store.insertNotifications([
            ChatNotification(content: "secret 0", senderID: alice.id, roomID: rooms[0].id, receiverID: carol.id, timestamp: base)
        ])
        try await store.muteUser(RoomMute(roomID: rooms[1].id, userID: alice.id, by: "root@ops1"))
        try await store.copyToArchive(Array(said.prefix(3)))
        _ = try await store.deleteMessages(ids: said.prefix(3).map(\.id))
        return Seeded(rooms: rooms, alice: alice, bob: bob, said: said, others: others)
    }

    /// Every message alice sent, live and archived, oldest first.
    static func sent(by user: ObjectID, in store: any ChatStore) async throws -> [Message] {
        let all = SenderMessageQuery(sender: user)
        return try await store.messages(matching: all, in: .archived, limit: 100) + store.messages(matching: all, in: .live, limit: 100)
    }

    /// No trace of alice's content or account is left, and histories keep their places.
    static func expectErased(_ s: Seeded, in store: any ChatStore) async throws {
        #expect(try await store.user(named: "alice") == nil, "the account is gone")
        #expect(try await store.user(id: s.alice.id) == nil)
        let left = try await Self.sent(by: s.alice.id, in: store)
        #expect(left.map(\.id) == s.said.map(\.id), "every message keeps its place")
        #expect(left.map(\.sequence) == s.said.map(\.sequence) && left.map(\.timestamp) == s.said.map(\.timestamp))
        #expect(left.allSatisfy { $0.content.isEmpty && $0.redaction?.reason == EraseUser.redactionReason })
        for room in s.rooms {
            #expect(try await store.room(id: room.id)?.members == [s.bob.id], "taken out of \(room.name)")
            let history = try await store.recentMessages(inRoom: room.id, limit: 100)
            #expect(!history.contains { $0.content.hasPrefix("secret") })
            #expect(try await store.mutes(inRoom: room.id, at: Date()).isEmpty)
        }
        #expect(try await store.notifications(for: s.alice.id, query: NotificationQuery()).isEmpty, "what it received is deleted")
        let bobs = try await store.notifications(for: s.bob.id, query: NotificationQuery(limit: 100))
        #expect(bobs.count == 9 && bobs.allSatisfy { $0.content.isEmpty }, "bob's notifications of its messages are emptied")
        let carol = try #require(try await store.user(named: "carol"))
        #expect(try await store.notifications(for: carol.id, query: NotificationQuery()).map(\.content) == [""], "also one of a member who left")
        let kept = try await store.messages(matching: SenderMessageQuery(sender: s.bob.id), in: .live, limit: 100)
        #expect(kept.map(\.content) == ["hello 0", "hello 1"], "others untouched")
    }

    @Test("the account, its memberships, mutes and notifications go; every message it wrote is redacted, live and archived, in place; its sockets are told to close; a rerun by id finds nothing to do")
    func erases() async throws {
        let t = await TestPorts()
        let s = try await Self.seeded(t)
        let store = t.ports.store
        let eraser = EraseUser(store: store, cache: t.ports.cache, hasher: t.ports.hasher, logger: t.ports.logger)
        let before = Date().addingTimeInterval(-1)
        let subject = try await eraser.subject("alice")
        #expect(subject == .user(s.alice))
        let plan = try await eraser.plan(subject)
        #expect(plan.account && plan.messages == PurgeUserMessages.Counts(live: 6, archived: 3) && plan.rooms == 2)

        let report = try await eraser(subject, options: .init(batchSize: 4, pause: .zero), by: "root@ops1")
        #expect(report.messagesRedacted == 9 && report.batches == 3 && report.accountDeleted)
        #expect(report.notificationsDeleted == 2 && report.membershipsRemoved == 2)
        #expect(report.notificationsRedacted == 10, "bob's nine and carol's one")
        try await Self.expectErased(s, in: store)

        let ends = try await store.sessionEnds(since: before).filter { $0.userID == s.alice.id }.map(\.reason)
        #expect(ends == [UserAdministration.EndReason.disabled, UserAdministration.EndReason.deleted], "sockets closed first, and once more at the end")
        let notices = try await store.moderationNotices(since: before)
        #expect(notices.allSatisfy { $0.kind == .redacted } && Set(notices.flatMap(\.messageIDs)) == Set(s.said.map(\.id)), "live rooms are told")

        let again = try await eraser.subject(s.alice.id.hex)
        #expect(again == .deleted(s.alice.id))
        let none = try await eraser.plan(again)
        #expect(!none.account && none.messages.total == 0 && none.rooms == 0)
        let nothing = try await eraser(again, by: "root@ops1")
        #expect(nothing.messagesRedacted == 0 && nothing.notificationsDeleted == 0 && !nothing.accountDeleted)
        await #expect(throws: ChatError.userNotFound) { _ = try await eraser.subject("alice") }
    }

    @Test("stopped after its first batch (a kill), the account stays, disabled, with the rest to do; the rerun by name finishes the job")
    func stoppedAndRerun() async throws {
        let t = await TestPorts()
        let s = try await Self.seeded(t)
        let store = t.ports.store
        let eraser = EraseUser(store: store, cache: t.ports.cache, hasher: t.ports.hasher, logger: t.ports.logger)
        let options = EraseUser.Options(batchSize: 4, pause: .zero)
        // Cancelled during its first batch: it stops before the next one, and before anything after the messages.
        let first = await Task {
            try await eraser(.user(s.alice), options: options, by: "root@ops1") { _, _ in withUnsafeCurrentTask { $0?.cancel() } }
        }.result
        #expect(throws: CancellationError.self) { try first.get() }
        let stopped = try #require(try await store.user(named: "alice"))
        #expect(stopped.disabled, "no more posts meanwhile")
        let plan = try await eraser.plan(.user(stopped))
        #expect(plan.account && plan.messages.total == 5 && plan.rooms == 2, "one batch of four done: \(plan)")
        #expect(try await store.notifications(for: s.alice.id, query: NotificationQuery()).count == 2)

        let rest = try await eraser(try await eraser.subject("alice"), options: options, by: "root@ops1")
        #expect(rest.messagesRedacted == 5 && rest.accountDeleted)
        try await Self.expectErased(s, in: store)
    }

    @Test("after users delete (the account gone, its messages kept), erasing by id redacts what it left")
    func afterDelete() async throws {
        let t = await TestPorts()
        let s = try await Self.seeded(t)
        let store = t.ports.store
        _ = try await UserAdministration(store: store, hasher: t.ports.hasher, logger: t.ports.logger).delete(username: "alice")
        let eraser = EraseUser(store: store, cache: t.ports.cache, hasher: t.ports.hasher, logger: t.ports.logger)
        let subject = try await eraser.subject(s.alice.id.hex)
        #expect(subject == .deleted(s.alice.id))
        let report = try await eraser(subject, options: .init(batchSize: 100, pause: .zero), by: "root@ops1")
        #expect(report.messagesRedacted == 9 && !report.accountDeleted && report.membershipsRemoved == 0)
        try await Self.expectErased(s, in: store)
    }
}
