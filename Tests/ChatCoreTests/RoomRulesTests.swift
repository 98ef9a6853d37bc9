import ChatCore
import ChatInProcess
import Foundation
import Testing

@Suite("room rules and mutes")
struct RoomRulesTests {
    /// A room of alice (its moderator-to-be) and bob, known to the node's rule cache (as
    /// after a join), with the use cases an operator runs.
    struct Lobby {
        let t: TestPorts
        let room: Room
        let alice: User
        let bob: User

        var restrictions: RoomRestrictions { RoomRestrictions(ports: t.ports) }
        func post(_ content: String, from user: User) async throws -> Message {
            try await PostMessage(ports: t.ports)(content: content, from: user, in: room)
        }
        /// As the node's moderation watcher does on a `rulesChanged` notice.
        func noticeArrives() async throws { try await t.ports.roomRules.refresh(roomID: room.id) }
    }

    static func room() async throws -> Lobby {
        let t = await TestPorts()
        let alice = try await t.user("alice"), bob = try await t.user("bob")
        let room = try await CreateRoom(ports: t.ports)(name: "lobby", creator: alice)
        try await t.ports.roomRules.prepare(roomID: room.id)
        return Lobby(t: t, room: room, alice: alice, bob: bob)
    }

    @Test("changes apply in one place: moderators added once and in order, then removed; nil leaves a rule; 0 turns slow mode off")
    func applying() {
        let a = ObjectID(), b = ObjectID(), c = ObjectID()
        let rules = RoomRules().applying(.init(readOnly: true, slowModeSeconds: 10, addModerators: [a, b, a], topic: .set("news")))
        #expect(rules == RoomRules(readOnly: true, slowModeSeconds: 10, moderators: [a, b], topic: "news"))
        let next = rules.applying(.init(addModerators: [c, a], removeModerators: [b]))
        #expect(next == RoomRules(readOnly: true, slowModeSeconds: 10, moderators: [a, c], topic: "news"))
        #expect(next.applying(.init(readOnly: false, slowModeSeconds: 0, topic: .clear)) == RoomRules(moderators: [a, c]))
        #expect(RoomRules.Change().isEmpty && !RoomRules.Change(topic: .clear).isEmpty)
    }

    @Test("read-only: a non-moderator's post is refused naming the rule and not stored; a moderator's is stored; the node applies it once the notice arrives")
    func readOnly() async throws {
        let r = try await Self.room()
        let before = Date().addingTimeInterval(-1)
        let changed = try await r.restrictions.setRules(.init(readOnly: true, addModerators: [r.alice.id]), of: r.room)
        #expect(changed.rules.readOnly && changed.rules.moderators == [r.alice.id])
        #expect(try await r.t.ports.store.room(id: r.room.id)?.rules == changed.rules)
        let notices = try await r.t.ports.store.moderationNotices(since: before)
        #expect(notices.map(\.kind) == [.rulesChanged] && notices.first?.roomID == r.room.id && notices.first?.messageIDs == [])

        _ = try await r.post("before the notice", from: r.bob)  // the node's copy is the old one: no store read per post
        try await r.noticeArrives()
        await #expect(throws: ChatError.roomReadOnly) { try await r.post("hello?", from: r.bob) }
        #expect(ChatError.roomReadOnly.message == "room is read-only: only its moderators post")
        _ = try await r.post("announcement", from: r.alice)
        #expect(try await r.t.ports.store.recentMessages(inRoom: r.room.id, limit: 10).map(\.content) == ["announcement", "before the notice"])

        _ = try await r.restrictions.setRules(.init(readOnly: false), of: r.room)
        try await r.noticeArrives()
        _ = try await r.post("back to normal", from: r.bob)
    }

    @Test("slow mode: a second message within the interval is refused with the seconds left; another user and a moderator are not slowed")
    func slowMode() async throws {
        let r = try await Self.room()
        let carol = try await r.t.user("carol")
        _ = try await r.restrictions.setRules(.init(slowModeSeconds: 30, addModerators: [r.alice.id]), of: r.room)
        try await r.noticeArrives()
        _ = try await r.post("one", from: r.bob)
        do {
            _ = try await r.post("two", from: r.bob)
            Issue.record("a second message within 30 s was stored")
        } catch let error as ChatError {
            #expect(error.kind == .tooManyRequests && error.field == "room")
            #expect(error.message.hasPrefix("slow mode: next message allowed in ") && error.message.hasSuffix("s"), "\(error.message)")
            #expect((1...30).contains(error.retryAfterSeconds ?? 0))
        }
        _ = try await r.post("mine", from: carol)
        _ = try await r.post("a", from: r.alice)
        _ = try await r.post("b", from: r.alice)
        #expect(try await r.t.ports.store.recentMessages(inRoom: r.room.id, limit: 10).map(\.content) == ["b", "a", "mine", "one"])
    }

    @Test("the slow-mode clock: the slot frees after the interval; a post given back frees it at once; seconds left round up")
    func slowModeClock() throws {
        var clock = SlowModeClock()
        let room = ObjectID(), user = ObjectID(), start = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try clock.take(room: room, user: user, interval: 10, now: start).get()
        guard case .failure(let early) = clock.take(room: room, user: user, interval: 10, now: start.addingTimeInterval(2.5)) else {
            Issue.record("a post 2.5 s after the first was let through")
            return
        }
        #expect(early == .slowMode(retryAfterSeconds: 8) && early.message == "slow mode: next message allowed in 8s")
        _ = try clock.take(room: room, user: user, interval: 10, now: start.addingTimeInterval(10)).get()
        _ = try clock.take(room: ObjectID(), user: user, interval: 10, now: start.addingTimeInterval(10.5)).get()  // another room
        clock.giveBack(first)  // taken since: nothing to give back
        let newcomer = ObjectID()
        let later = try clock.take(room: room, user: newcomer, interval: 10, now: start).get()
        clock.giveBack(later)  // not stored after all: the newcomer may post again at once
        _ = try clock.take(room: room, user: newcomer, interval: 10, now: start.addingTimeInterval(1)).get()
    }

    @Test("mute: refused with its end, reads still work; another room and other users unaffected; unmute allows again; one that ended allows by itself")
    func mute() async throws {
        let r = try await Self.room()
        let other = try await CreateRoom(ports: r.t.ports)(name: "other", creator: r.alice)
        let mute = try await r.restrictions.mute(r.bob, in: r.room, for: 3600, reason: "flooding", by: "root@ops1")
        #expect(mute.until != nil && mute.reason == "flooding" && mute.by == "root@ops1")
        #expect(try await r.t.ports.store.mutes(ofUser: r.bob.id, at: Date()) == [mute])
        try await r.noticeArrives()
        await #expect(throws: ChatError.muted(until: mute.until)) { try await r.post("hi", from: r.bob) }
        #expect(ChatError.muted(until: mute.until).message == "you are muted in this room until \(RFC3339.string(from: mute.until!))")
        _ = try await PostMessage(ports: r.t.ports)(content: "elsewhere", from: r.bob, in: other)
        _ = try await r.post("hello", from: r.alice)
        #expect(try await RecentMessages(ports: r.t.ports)(room: r.room.id).map(\.content) == ["hello"])

        #expect(try await r.restrictions.unmute(r.bob, in: r.room))
        #expect(try await !r.restrictions.unmute(r.bob, in: r.room))
        try await r.noticeArrives()
        _ = try await r.post("thanks", from: r.bob)

        // A mute that has ended refuses nothing, with no job run (the check compares its end).
        let policy = RoomPolicy(mutes: [RoomMute(roomID: r.room.id, userID: r.bob.id, until: Date().addingTimeInterval(-1), by: "root@ops1")])
        #expect(policy.verdict(for: r.bob.id, at: Date()) == .post)
        #expect(RoomPolicy(mutes: [RoomMute(roomID: r.room.id, userID: r.bob.id, by: "x")]).verdict(for: r.bob.id, at: .distantFuture) == .refused(.muted(until: nil)))
        #expect(ChatError.muted(until: nil).message == "you are muted in this room")
    }

    @Test("a mute outranks moderation; read-only outranks slow mode")
    func order() {
        let mod = ObjectID(), user = ObjectID(), room = ObjectID()
        let rules = RoomRules(readOnly: true, slowModeSeconds: 10, moderators: [mod])
        #expect(RoomPolicy(rules: rules).verdict(for: user, at: Date()) == .refused(.roomReadOnly))
        #expect(RoomPolicy(rules: rules).verdict(for: mod, at: Date()) == .post)
        #expect(RoomPolicy(rules: RoomRules(slowModeSeconds: 10)).verdict(for: user, at: Date()) == .postAfterInterval(seconds: 10))
        let muted = RoomPolicy(rules: rules, mutes: [RoomMute(roomID: room, userID: mod, by: "x")])
        #expect(muted.verdict(for: mod, at: Date()) == .refused(.muted(until: nil)))
    }

    @Test("rules are checked: nothing to change, slow mode bounds, topic, a moderator both added and removed, a deleted room")
    func validation() async throws {
        let r = try await Self.room()
        await #expect(throws: ChatError.invalid("rules", "nothing to change")) { try await r.restrictions.setRules(.init(), of: r.room) }
        await #expect(throws: ChatError.self) { try await r.restrictions.setRules(.init(slowModeSeconds: 21_601), of: r.room) }
        await #expect(throws: ChatError.invalid("topic", "topic contains control characters")) {
            try await r.restrictions.setRules(.init(topic: .set("two\nlines")), of: r.room)
        }
        await #expect(throws: ChatError.self) { try await r.restrictions.setRules(.init(topic: .set(String(repeating: "x", count: 301))), of: r.room) }
        await #expect(throws: ChatError.self) {
            try await r.restrictions.setRules(.init(addModerators: [r.bob.id], removeModerators: [r.bob.id]), of: r.room)
        }
        #expect(try await r.restrictions.setRules(.init(topic: .set("  weekly news  ")), of: r.room).rules.topic == "weekly news")
        await #expect(throws: ChatError.invalid("reason", "reason contains control characters")) {
            try await r.restrictions.mute(r.bob, in: r.room, for: nil, reason: "a\u{7}", by: "root@ops1")
        }
        await #expect(throws: ChatError.self) { try await r.restrictions.mute(r.bob, in: r.room, for: 0, reason: nil, by: "root@ops1") }
        _ = try await r.t.ports.store.deleteRoom(id: r.room.id)
        await #expect(throws: ChatError.roomNotFound) { try await r.restrictions.setRules(.init(readOnly: true), of: r.room) }
    }
}
