import ChatInProcess
import ChatCore
import Foundation
import Testing

@Suite("moderation of one message")
struct ModerationTests {
    struct SilentPusher: NotificationPusher {
        func push(_ notifications: [ChatNotification]) -> Int { 0 }
    }

    struct Posted {
        var room: Room
        var alice: User
        var bob: User
        /// Bob's, before the spam.
        var hello: Message
        /// Alice's, with its notification to Bob stored as the notification service stores it.
        var spam: Message
    }

    static func posted(_ t: TestPorts) async throws -> Posted {
        let alice = try await t.user("alice"), bob = try await t.user("bob")
        let created = try await CreateRoom(ports: t.ports)(name: "lobby", creator: alice)
        try await t.ports.store.addMember(bob.id, toRoom: created.id)
        let room = try #require(try await t.ports.store.room(id: created.id))
        let hello = try await PostMessage(ports: t.ports)(content: "hello", from: bob, in: room)
        let spam = try await PostMessage(ports: t.ports)(content: "buy cheap watches", from: alice, in: room)
        let event = MessageEvent(message: spam)
        _ = try await DeliverNotifications(store: t.ports.store, pusher: SilentPusher())(event, eventKey: NotificationID.eventKey(for: event, rawBody: []))
        return Posted(room: room, alice: alice, bob: bob, hello: hello, spam: spam)
    }

    @Test("delete: gone from the history and its cache and from the notifications; one notice for the nodes; then not found")
    func delete() async throws {
        let t = await TestPorts()
        let p = try await Self.posted(t)
        #expect(try await RecentMessages(ports: t.ports)(room: p.room.id).count == 2)  // now cached
        #expect(try await t.ports.store.notifications(for: p.bob.id, query: NotificationQuery()).count == 1)
        let before = Date().addingTimeInterval(-1)
        let outcome = try await ModerateMessage(ports: t.ports).delete(id: p.spam.id, reason: " spam wave ", by: "root@ops1")
        #expect(outcome.kind == .deleted && outcome.changed && outcome.notifications == 1)
        #expect(outcome.message.place == .live && outcome.message.message.content == "buy cheap watches")
        #expect(outcome.message.message.senderName == "alice" && outcome.message.message.roomName == "lobby")
        #expect(try await t.ports.store.message(id: p.spam.id, inRoom: p.room.id) == nil)
        #expect(try await RecentMessages(ports: t.ports)(room: p.room.id).map(\.content) == ["hello"], "the cached history was dropped")
        #expect(try await t.ports.store.notifications(for: p.bob.id, query: NotificationQuery()).isEmpty)
        let notices = try await t.ports.store.moderationNotices(since: before)
        #expect(notices.map(\.kind) == [.deleted])
        #expect(notices.first?.messageIDs == [p.spam.id] && notices.first?.roomID == p.room.id && notices.first?.roomName == "lobby")
        await #expect(throws: ChatError.messageNotFound) { try await ModerateMessage(ports: t.ports).delete(id: p.spam.id, reason: nil, by: "root@ops1") }
        await #expect(throws: ChatError.messageNotFound) { try await ModerateMessage(ports: t.ports).find(id: ObjectID()) }
    }

    @Test("an archived message is found (with its sender's name) and deleted from the archive")
    func deleteArchived() async throws {
        let t = await TestPorts()
        let p = try await Self.posted(t)
        try await t.ports.store.copyToArchive([p.spam])
        _ = try await t.ports.store.deleteMessages(ids: [p.spam.id])
        let moderation = ModerateMessage(ports: t.ports)
        let found = try await moderation.find(id: p.spam.id)
        #expect(found.place == .archived && found.message.senderName == "alice" && found.message.roomName == "lobby")
        let outcome = try await moderation.delete(id: p.spam.id, reason: nil, by: "root@ops1")
        #expect(outcome.changed && outcome.message.place == .archived)
        let counts = try await t.ports.store.messageCounts(room: p.room.id)
        #expect(counts.live == 1 && counts.archived == 0)
    }

    @Test("redact: id, seq, sender and time kept, content gone in history and resume, notifications emptied; twice keeps the first redaction")
    func redact() async throws {
        let t = await TestPorts()
        let p = try await Self.posted(t)
        let later = try await PostMessage(ports: t.ports)(content: "later", from: p.bob, in: p.room)
        _ = try await RecentMessages(ports: t.ports)(room: p.room.id)  // now cached
        let before = Date().addingTimeInterval(-1)
        let outcome = try await ModerateMessage(ports: t.ports).redact(id: p.spam.id, reason: "spam", by: "root@ops1")
        #expect(outcome.kind == .redacted && outcome.changed && outcome.notifications == 1)
        let redacted = outcome.message.message
        #expect(redacted.content.isEmpty && redacted.isRedacted)
        #expect(redacted.id == p.spam.id && redacted.sequence == p.spam.sequence && redacted.senderID == p.alice.id && redacted.timestamp == p.spam.timestamp)
        #expect(redacted.redaction?.by == "root@ops1" && redacted.redaction?.reason == "spam")

        let history = try await RecentMessages(ports: t.ports)(room: p.room.id)
        #expect(history.map(\.content) == ["later", "", "hello"], "the cached history was dropped")
        #expect(history.map(\.isRedacted) == [false, true, false])
        guard case .missed(let missed) = try await JoinRoom(ports: t.ports).resume(room: p.room, user: p.bob, after: p.hello.id, limit: 10) else {
            Issue.record("resume after hello should list what came after it")
            return
        }
        #expect(missed.map(\.id) == [p.spam.id, later.id])
        #expect(missed.first?.content == "" && missed.first?.isRedacted == true)
        let notification = try #require(try await t.ports.store.notifications(for: p.bob.id, query: NotificationQuery()).first)
        #expect(notification.content.isEmpty)

        let again = try await ModerateMessage(ports: t.ports).redact(id: p.spam.id, reason: "again", by: "someone@else")
        #expect(!again.changed && again.notifications == 0)
        #expect(again.message.message.redaction?.by == "root@ops1" && again.message.message.redaction?.reason == "spam", "the first redaction stands")
        #expect(try await t.ports.store.moderationNotices(since: before).map(\.kind) == [.redacted, .redacted], "told again: a rerun finishes a failed one")
    }

    @Test("reasons: trimmed, empty is none, at most 500 bytes, no control characters")
    func reasons() async throws {
        #expect(try InputRules.validateReason("  spam  ") == "spam")
        #expect(try InputRules.validateReason("   ") == nil)
        #expect(try InputRules.validateReason(nil) == nil)
        #expect(throws: ChatError.invalid("reason", "reason exceeds 500 bytes")) { try InputRules.validateReason(String(repeating: "x", count: 501)) }
        #expect(throws: ChatError.invalid("reason", "reason contains control characters")) { try InputRules.validateReason("two\nlines") }
        let t = await TestPorts()
        let p = try await Self.posted(t)
        await #expect(throws: ChatError.invalid("reason", "reason contains control characters")) {
            try await ModerateMessage(ports: t.ports).redact(id: p.spam.id, reason: "a\u{7}b", by: "root@ops1")
        }
        #expect(try await t.ports.store.message(id: p.spam.id, inRoom: p.room.id)?.content == "buy cheap watches", "nothing changed")
    }
}
