import ChatCore
import Foundation
import Testing

@Suite("gentle drain state machine")
struct GentleDrainTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func plan(batch: Int = 2, every: Int = 1000, deadline: Int = 10_000) throws -> DrainPlan {
        try DrainPlan(batch: batch, everyMilliseconds: every, deadlineMilliseconds: deadline)
    }

    /// Why `drain` refuses another start (tried on a copy), or nil when it takes it.
    static func startRefusal(_ drain: GentleDrain) throws -> ChatError? {
        var copy = drain
        let plan = try Self.plan()
        do throws(ChatError) {
            try copy.start(plan, at: Self.start)
            return nil
        } catch {
            return error
        }
    }

    @Test("idle → draining: a batch per step while sockets are open, counted; drained once none is open, before the deadline")
    func batchesThenDrained() throws {
        var drain = GentleDrain.idle
        #expect(!drain.hasStarted && drain.name == "idle" && drain.progress == nil)
        #expect(drain.next(open: 5, now: Self.start) == .stop, "nothing to do while idle")

        try drain.start(try Self.plan(), at: Self.start)
        #expect(drain.hasStarted && drain.name == "draining")
        #expect(drain.progress?.deadline == Self.start.addingTimeInterval(10))

        // 5 sockets, batches of 2: 2, 2, 1 asked; the node reports what it really asked.
        var open = 5
        var asked: [Int] = []
        var step = 0
        while case .closeBatch(let size) = drain.next(open: open, now: Self.start.addingTimeInterval(Double(step))) {
            #expect(size == 2)
            let count = min(size, open - asked.reduce(0, +))
            asked.append(count)
            drain.asked(count)
            if asked.reduce(0, +) == 5 { open = 0 }  // all asked: they close
            step += 1
        }
        #expect(asked == [2, 2, 1])
        #expect(drain.name == "drained")
        let progress = try #require(drain.progress)
        #expect(progress.closed == 5 && progress.forced == 0 && !progress.deadlineReached)
        #expect(progress.finishedAt == Self.start.addingTimeInterval(3))
        #expect(drain.next(open: 0, now: Self.start.addingTimeInterval(4)) == .stop, "drained stays drained")
    }

    @Test("sockets asked but still closing keep it draining; a node with no socket is drained at the first step")
    func waitsForClosingSockets() throws {
        var drain = GentleDrain.idle
        try drain.start(try Self.plan(batch: 10), at: Self.start)
        #expect(drain.next(open: 3, now: Self.start) == .closeBatch(10))
        drain.asked(3)
        // Nothing left to ask, but 3 still finishing their close: another (empty) batch.
        #expect(drain.next(open: 3, now: Self.start.addingTimeInterval(1)) == .closeBatch(10))
        drain.asked(0)
        #expect(drain.next(open: 0, now: Self.start.addingTimeInterval(2)) == .stop)
        #expect(drain.name == "drained" && drain.progress?.closed == 3)

        var empty = GentleDrain.idle
        try empty.start(try Self.plan(), at: Self.start)
        #expect(empty.next(open: 0, now: Self.start) == .stop)
        #expect(empty.name == "drained" && empty.progress?.closed == 0 && empty.progress?.deadlineReached == false)
    }

    @Test("past the deadline the rest go at once: drained with deadlineReached and the forced count")
    func deadline() throws {
        var drain = GentleDrain.idle
        try drain.start(try Self.plan(batch: 1, deadline: 2000), at: Self.start)
        #expect(drain.next(open: 10, now: Self.start) == .closeBatch(1))
        drain.asked(1)
        #expect(drain.next(open: 9, now: Self.start.addingTimeInterval(1)) == .closeBatch(1))
        drain.asked(1)
        #expect(drain.next(open: 8, now: Self.start.addingTimeInterval(2)) == .closeRest)
        drain.closedRest(8, at: Self.start.addingTimeInterval(2))
        let progress = try #require(drain.progress)
        #expect(drain.name == "drained")
        #expect(progress.closed == 10 && progress.forced == 8 && progress.deadlineReached)
        #expect(drain.next(open: 8, now: Self.start.addingTimeInterval(3)) == .stop)
    }

    @Test("a node drains once: start is refused (conflict, field state) while draining, drained or cancelled")
    func startOnce() throws {
        var drain = GentleDrain.idle
        #expect(try Self.startRefusal(drain) == nil)
        try drain.start(try Self.plan(), at: Self.start)
        let again = try #require(try Self.startRefusal(drain), "a second start was accepted")
        #expect(again.kind == .conflict && again.field == "state", "\(again)")
        #expect(drain.name == "draining", "the refused start changed nothing")
        _ = drain.next(open: 0, now: Self.start)
        #expect(drain.name == "drained")
        #expect(try Self.startRefusal(drain)?.kind == .conflict)
    }

    @Test("a graceful shutdown cancels a running drain, and only a running one")
    func cancel() throws {
        var idle = GentleDrain.idle
        idle.cancel(at: Self.start)
        #expect(idle == .idle)

        var drain = GentleDrain.idle
        try drain.start(try Self.plan(), at: Self.start)
        _ = drain.next(open: 4, now: Self.start)
        drain.asked(2)
        drain.cancel(at: Self.start.addingTimeInterval(1))
        #expect(drain.name == "cancelled" && drain.hasStarted)
        #expect(drain.progress?.closed == 2 && drain.progress?.finishedAt == Self.start.addingTimeInterval(1))
        #expect(drain.next(open: 2, now: Self.start.addingTimeInterval(2)) == .stop)
        #expect(try Self.startRefusal(drain)?.kind == .conflict)

        var drained = GentleDrain.idle
        try drained.start(try Self.plan(), at: Self.start)
        _ = drained.next(open: 0, now: Self.start)
        drained.cancel(at: Self.start)
        #expect(drained.name == "drained", "a finished drain stays drained")
    }

    @Test("the plan: defaults, and each field out of range refused naming it")
    func planLimits() throws {
        let defaults = try DrainPlan()
        #expect(defaults.batch == 200 && defaults.everyMilliseconds == 1000 && defaults.deadlineMilliseconds == 120_000)
        #expect(defaults.every == .seconds(1))
        for (batch, every, deadline, field) in [
            (0, 1000, 10_000, "batch"), (100_001, 1000, 10_000, "batch"), (1, 9, 10_000, "every_ms"), (1, 60_001, 10_000, "every_ms"),
            (1, 1000, 999, "deadline_ms"), (1, 1000, 3_600_001, "deadline_ms"),
        ] {
            do throws(ChatError) {
                _ = try DrainPlan(batch: batch, everyMilliseconds: every, deadlineMilliseconds: deadline)
                Issue.record("accepted \(batch) \(every) \(deadline)")
            } catch {
                #expect(error.kind == .invalidInput && error.field == field, "\(error)")
            }
        }
    }

    @Test("the status: idle names only the node, state and counts; a drain adds its plan and times")
    func status() throws {
        let idle = DrainStatus(node: "n1", drain: .idle, open: 3)
        #expect(idle.state == "idle" && idle.open == 3 && idle.closed == 0 && idle.startedAt == nil && !idle.isRunning)
        let idleJSON = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(idle)) as? [String: Any])
        #expect(Set(idleJSON.keys) == ["node", "state", "open", "closed", "forced", "deadline_reached"], "\(idleJSON)")

        var drain = GentleDrain.idle
        try drain.start(try Self.plan(batch: 5, every: 250, deadline: 60_000), at: Self.start)
        drain.asked(5)
        let running = DrainStatus(node: "n1", drain: drain, open: 7)
        #expect(running.isRunning && running.closed == 5 && running.batch == 5 && running.everyMilliseconds == 250)
        #expect(running.startedAt == RFC3339.string(from: Self.start) && running.deadline == RFC3339.string(from: Self.start.addingTimeInterval(60)))
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(running)) as? [String: Any])
        #expect(json["every_ms"] as? Int == 250 && json["deadline_ms"] as? Int == 60_000 && json["started_at"] is String && json["finished_at"] == nil)
        #expect(try JSONDecoder().decode(DrainStatus.self, from: JSONEncoder().encode(running)) == running)
    }
}
