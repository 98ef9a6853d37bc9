import ChatCore
import ChatInProcess
import Foundation
import Testing

@Suite("message reports")
struct ReportTests {
    /// A room of alice (its creator, the spammer), bob and dave; carol is in no room.
    struct Lobby {
        let t: TestPorts
        let room: Room
        let alice: User
        let bob: User
        let carol: User
        let dave: User
        /// Bob's, before the spam.
        let hello: Message
        /// Alice's.
        let spam: Message

        func report(_ id: String?, _ reason: String?, by reporter: User, throttle: ReportThrottle? = nil) async throws -> Report {
            try await ReportMessage(ports: t.ports, throttle: throttle)(messageID: id, reason: reason, by: reporter)
        }

        func resolve(_ report: Report, _ action: Report.Action, for length: TimeInterval? = nil, note: String? = nil) async throws -> ResolveReport.Outcome {
            try await ResolveReport(ports: t.ports)(id: report.id, action: action, for: length, note: note, by: "root@ops1")
        }
    }

    static func lobby() async throws -> Lobby {
        let t = await TestPorts()
        let alice = try await t.user("alice"), bob = try await t.user("bob"), carol = try await t.user("carol"), dave = try await t.user("dave")
        let created = try await CreateRoom(ports: t.ports)(name: "lobby", creator: alice)
        try await t.ports.store.addMember(bob.id, toRoom: created.id)
        try await t.ports.store.addMember(dave.id, toRoom: created.id)
        let room = try #require(try await t.ports.store.room(id: created.id))
        try await t.ports.roomRules.prepare(roomID: room.id)
        let hello = try await PostMessage(ports: t.ports)(content: "hello", from: bob, in: room)
        let spam = try await PostMessage(ports: t.ports)(content: "buy cheap watches", from: alice, in: room)
        return Lobby(t: t, room: room, alice: alice, bob: bob, carol: carol, dave: dave, hello: hello, spam: spam)
    }

    // MARK: Reporting

    @Test("a member reports a message of its room: stored open with its room, sender and trimmed reason; an archived message too")
    func report() async throws {
        let l = try await Self.lobby()
        let report = try await l.report(l.spam.id.hex, "  spam wave  ", by: l.bob)
        #expect(report.status == .open && report.resolution == nil)
        #expect(report.messageID == l.spam.id && report.roomID == l.room.id && report.senderID == l.alice.id && report.reporterID == l.bob.id)
        #expect(report.reason == "spam wave")
        #expect(try await l.t.ports.store.report(id: report.id) == report)
        #expect(try await l.t.ports.store.reports(ReportQuery()) == [report])

        try await l.t.ports.store.copyToArchive([l.hello])
        _ = try await l.t.ports.store.deleteMessages(ids: [l.hello.id])
        let archived = try await l.report(l.hello.id.hex, "rude", by: l.alice)
        #expect(archived.messageID == l.hello.id && archived.senderID == l.bob.id && archived.roomID == l.room.id)
        #expect(try await l.t.ports.store.reports(ReportQuery()).map(\.id) == [archived.id, report.id], "newest first")
    }

    @Test("one report per reporter and message: a second is a conflict naming the id; another member may report it too")
    func duplicate() async throws {
        let l = try await Self.lobby()
        _ = try await l.report(l.spam.id.hex, "spam", by: l.bob)
        await #expect(throws: ChatError.reportExists) { try await l.report(l.spam.id.hex, "still spam", by: l.bob) }
        #expect(ChatError.reportExists.kind == .conflict && ChatError.reportExists.field == "id")
        _ = try await l.report(l.spam.id.hex, "spam", by: l.dave)
        #expect(try await l.t.ports.store.reports(ReportQuery()).count == 2)
    }

    @Test("a reporter outside the message's room gets the answer of a message that does not exist; nothing is stored")
    func nonMember() async throws {
        let l = try await Self.lobby()
        await #expect(throws: ChatError.messageNotFound) { try await l.report(l.spam.id.hex, "spam", by: l.carol) }
        await #expect(throws: ChatError.messageNotFound) { try await l.report(ObjectID().hex, "spam", by: l.bob) }
        #expect(ChatError.messageNotFound.kind == .notFound && ChatError.messageNotFound.field == "id")
        #expect(try await l.t.ports.store.reports(ReportQuery()).isEmpty)
    }

    @Test("the reason is required, trimmed, at most 500 bytes, one line; the id is 24 hexadecimal digits; each names its field")
    func badInput() async throws {
        let l = try await Self.lobby()
        let id = l.spam.id.hex
        await #expect(throws: ChatError.required("reason")) { try await l.report(id, nil, by: l.bob) }
        await #expect(throws: ChatError.required("reason")) { try await l.report(id, "   ", by: l.bob) }
        await #expect(throws: ChatError.invalid("reason", "reason exceeds 500 bytes")) {
            try await l.report(id, String(repeating: "x", count: 501), by: l.bob)
        }
        await #expect(throws: ChatError.invalid("reason", "reason contains control characters")) { try await l.report(id, "two\nlines", by: l.bob) }
        await #expect(throws: ChatError.required("id")) { try await l.report(nil, "spam", by: l.bob) }
        await #expect(throws: ChatError.invalid("id", "id must be a message id: 24 hexadecimal digits")) {
            try await l.report("not-a-message", "spam", by: l.bob)
        }
        _ = try await l.report(id, String(repeating: "x", count: 500), by: l.bob)
        #expect(try await l.t.ports.store.reports(ReportQuery()).count == 1)
    }

    @Test("reports per user per hour: a burst, then 429 with the seconds to wait (any attempt with a good body counts); other users are unaffected; the hour refills")
    func rateLimit() async throws {
        let l = try await Self.lobby()
        let clock = ManualClock()
        let throttle = ReportThrottle(reportsPerHour: 2, clock: { clock.now })
        await #expect(throws: ChatError.required("reason")) { try await l.report(l.spam.id.hex, nil, by: l.bob, throttle: throttle) }
        _ = try await l.report(l.spam.id.hex, "spam", by: l.bob, throttle: throttle)
        await #expect(throws: ChatError.messageNotFound) { try await l.report(ObjectID().hex, "guess", by: l.bob, throttle: throttle) }
        do {
            _ = try await l.report(l.hello.id.hex, "third", by: l.bob, throttle: throttle)
            Issue.record("a third report within the hour was taken")
        } catch let error as ChatError {
            #expect(error.kind == .tooManyRequests)
            #expect((1799...1801).contains(error.retryAfterSeconds ?? 0), "one report every 1800 s: \(error)")
            #expect(error.message.hasPrefix("report limit reached: at most 2 reports an hour"))
        }
        _ = try await l.report(l.spam.id.hex, "spam", by: l.dave, throttle: throttle)
        clock.advance(seconds: 1801)
        _ = try await l.report(l.hello.id.hex, "third", by: l.bob, throttle: throttle)
        #expect(try await l.t.ports.store.reports(ReportQuery()).count == 3)
    }

    // MARK: Resolving

    @Test("none: resolved with who, when and the note; the message stays; only open ones are listed as open")
    func resolveNone() async throws {
        let l = try await Self.lobby()
        let report = try await l.report(l.spam.id.hex, "spam", by: l.bob)
        let other = try await l.report(l.hello.id.hex, "meh", by: l.alice)
        let before = Date().addingTimeInterval(-1)
        let outcome = try await l.resolve(report, .none, note: "  not spam  ")
        guard case .nothing = outcome.effect else { Issue.record("none did something: \(outcome.effect)"); return }
        let resolution = try #require(outcome.report.resolution)
        #expect(outcome.report.status == .resolved && resolution.action == .none && resolution.by == "root@ops1" && resolution.note == "not spam")
        #expect(resolution.at >= before)
        #expect(try await l.t.ports.store.report(id: report.id) == outcome.report)
        #expect(try await l.t.ports.store.message(id: l.spam.id, inRoom: l.room.id)?.content == "buy cheap watches")
        #expect(try await l.t.ports.store.reports(ReportQuery(openOnly: true)).map(\.id) == [other.id])
        #expect(try await l.t.ports.store.reports(ReportQuery(roomID: ObjectID())).isEmpty)
    }

    @Test("delete: the message goes as messages delete does (a notice for the nodes); a second report of it finds nothing left to delete")
    func resolveDelete() async throws {
        let l = try await Self.lobby()
        let first = try await l.report(l.spam.id.hex, "spam", by: l.bob)
        let second = try await l.report(l.spam.id.hex, "spam", by: l.dave)
        let before = Date().addingTimeInterval(-1)
        let outcome = try await l.resolve(first, .delete, note: "spam wave")
        guard case .moderated(let moderated) = outcome.effect else { Issue.record("not moderated: \(outcome.effect)"); return }
        #expect(moderated.kind == .deleted && moderated.changed && moderated.message.message.content == "buy cheap watches")
        #expect(try await l.t.ports.store.message(id: l.spam.id, inRoom: l.room.id) == nil)
        #expect(try await l.t.ports.store.moderationNotices(since: before).map(\.kind) == [.deleted])
        #expect(outcome.report.resolution?.action == .delete && outcome.report.resolution?.note == "spam wave")

        let again = try await l.resolve(second, .delete)
        guard case .messageGone = again.effect else { Issue.record("expected the message gone: \(again.effect)"); return }
        #expect(again.report.resolution?.action == .delete)
    }

    @Test("redact: the content goes, the place stays, the note is the redaction's reason")
    func resolveRedact() async throws {
        let l = try await Self.lobby()
        let report = try await l.report(l.spam.id.hex, "spam", by: l.bob)
        let outcome = try await l.resolve(report, .redact, note: "abuse")
        guard case .moderated(let moderated) = outcome.effect else { Issue.record("not moderated: \(outcome.effect)"); return }
        #expect(moderated.kind == .redacted && moderated.changed)
        let stored = try #require(try await l.t.ports.store.message(id: l.spam.id, inRoom: l.room.id))
        #expect(stored.content.isEmpty && stored.isRedacted && stored.sequence == l.spam.sequence)
        #expect(stored.redaction?.by == "root@ops1" && stored.redaction?.reason == "abuse")
    }

    @Test("mute: the sender is muted in the message's room for --for; its posts there are refused once the node is told")
    func resolveMute() async throws {
        let l = try await Self.lobby()
        let report = try await l.report(l.spam.id.hex, "spam", by: l.bob)
        let now = Date()
        let outcome = try await ResolveReport(ports: l.t.ports)(id: report.id, action: .mute, for: 3600, note: "flooding", by: "root@ops1", now: now)
        guard case .muted(let mute, let user, let room) = outcome.effect else { Issue.record("not muted: \(outcome.effect)"); return }
        #expect(user.id == l.alice.id && room.id == l.room.id && mute.reason == "flooding" && mute.by == "root@ops1")
        #expect(abs((mute.until?.timeIntervalSince(now) ?? 0) - 3600) < 0.01)
        #expect(try await l.t.ports.store.mutes(inRoom: l.room.id, at: Date()).map(\.userID) == [l.alice.id])
        try await l.t.ports.roomRules.refresh(roomID: l.room.id)
        do {
            _ = try await PostMessage(ports: l.t.ports)(content: "more spam", from: l.alice, in: l.room)
            Issue.record("a muted sender posted")
        } catch let error as ChatError {
            #expect(error.kind == .forbidden && error.message.hasPrefix("you are muted in this room"))
        }
        _ = try await PostMessage(ports: l.t.ports)(content: "still here", from: l.bob, in: l.room)
    }

    @Test("ban: the sender is banned for --for, its sessions end; without --for until unbanned")
    func resolveBan() async throws {
        let l = try await Self.lobby()
        let first = try await l.report(l.spam.id.hex, "spam", by: l.bob)
        let since = Date().addingTimeInterval(-1)
        let outcome = try await l.resolve(first, .ban, for: 7 * 86_400, note: "spam wave")
        guard case .banned(let banned) = outcome.effect else { Issue.record("not banned: \(outcome.effect)"); return }
        let ban = try #require(banned.ban)
        #expect(banned.id == l.alice.id && ban.reason == "spam wave" && ban.by == "root@ops1")
        #expect(abs((ban.until?.timeIntervalSince(ban.at) ?? 0) - 7 * 86_400) < 0.01)
        #expect(try await l.t.ports.store.user(id: l.alice.id)?.standing() == .banned(ban))
        #expect(try await l.t.ports.store.sessionEnds(since: since).map(\.userID) == [l.alice.id])

        let second = try await l.report(l.spam.id.hex, "spam", by: l.dave)
        let forever = try await l.resolve(second, .ban)
        guard case .banned(let again) = forever.effect else { Issue.record("not banned: \(forever.effect)"); return }
        #expect(again.ban?.until == nil)
    }

    @Test("a report is resolved once: again is a conflict naming the first resolution, before anything is done; an unknown one is not found; --for only with mute or ban")
    func resolveTwice() async throws {
        let l = try await Self.lobby()
        let report = try await l.report(l.spam.id.hex, "spam", by: l.bob)
        let first = try await l.resolve(report, .none, note: "fine")
        let resolution = try #require(first.report.resolution)
        await #expect(throws: ChatError.reportResolved(resolution)) { try await l.resolve(report, .delete) }
        #expect(ChatError.reportResolved(resolution).message == "report already resolved: \(resolution.summary)")
        #expect(resolution.summary.hasPrefix("none by root@ops1 at "))
        #expect(try await l.t.ports.store.message(id: l.spam.id, inRoom: l.room.id) != nil, "the second resolve did nothing")
        #expect(try await l.t.ports.store.report(id: report.id)?.resolution == resolution)

        let pending = try await l.report(l.spam.id.hex, "spam", by: l.dave)
        await #expect(throws: ChatError.lengthNeedsMuteOrBan(.delete)) { try await l.resolve(pending, .delete, for: 3600) }
        await #expect(throws: ChatError.invalid("note", "note exceeds 500 bytes")) { try await l.resolve(pending, .none, note: String(repeating: "n", count: 501)) }
        #expect(try await l.t.ports.store.report(id: pending.id)?.status == .open, "a refused resolve leaves it open")
        await #expect(throws: ChatError.reportNotFound) {
            try await ResolveReport(ports: l.t.ports)(id: ObjectID(), action: .none, note: nil, by: "root@ops1")
        }
    }

    @Test("the throttle forgets users whose hour refilled once it tracks too many")
    func throttleMemory() async throws {
        let clock = ManualClock()
        let throttle = ReportThrottle(reportsPerHour: 1, maxTracked: 2, clock: { clock.now })
        for _ in 0..<2 { try await throttle.admit(ObjectID()) }
        clock.advance(seconds: 3600)
        try await throttle.admit(ObjectID())
        #expect(await throttle.trackedCount == 1)
    }
}
