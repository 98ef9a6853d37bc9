import ChatInProcess
import Foundation
import ChatCore
import InProcessTestSupport
import Logging
import Synchronization
import Testing

/// A broker that never confirms, each wait taking its full time; records what the relay
/// said it now holds.
final class SlowAwayEvents: MessageEventQueue {
    let wait: Duration
    private let held = Mutex<[ObjectID]>([])

    init(wait: Duration) { self.wait = wait }

    var recorded: [ObjectID] { held.withLock { $0 } }

    func publish(_ event: MessageEvent) async {}

    func publishConfirmed(_ event: MessageEvent, within timeout: Duration) async -> Bool {
        try? await Task.sleep(for: min(wait, timeout))
        return false
    }

    func pendingEventRecorded(_ event: MessageEvent) async { held.withLock { $0.append(event.id) } }
}

/// A broker that is away until told otherwise; records what it confirmed.
final class SwitchableEvents: MessageEventQueue {
    private let state = Mutex<(up: Bool, confirmed: [MessageEvent], buffered: Int, recorded: [ObjectID])>((false, [], 0, []))

    func setUp(_ up: Bool) { state.withLock { $0.up = up } }
    var confirmed: [MessageEvent] { state.withLock { $0.confirmed } }
    /// Events the poster said it recorded as pending.
    var recorded: [ObjectID] { state.withLock { $0.recorded } }

    func pendingEventRecorded(_ event: MessageEvent) async { state.withLock { $0.recorded.append(event.id) } }

    func publish(_ event: MessageEvent) async {
        state.withLock { state in if state.up { state.confirmed.append(event) } else { state.buffered += 1 } }
    }

    func publishConfirmed(_ event: MessageEvent, within timeout: Duration) async -> Bool {
        state.withLock { state in
            guard state.up else {
                state.buffered += 1
                return false
            }
            state.confirmed.append(event)
            return true
        }
    }
}

@Suite("pending message events")
struct PendingEventTests {
    func ports(store: MemoryChatStore, events: SwitchableEvents) async -> ChatPorts {
        await ChatPorts.inMemory(store: store, events: events, label: "pending-test")
    }

    @Test("a post the broker does not confirm is recorded as pending; the relay republishes it once the broker is back, and forgets it")
    func relayed() async throws {
        let store = MemoryChatStore()
        let events = SwitchableEvents()
        let ports = await ports(store: store, events: events)
        let user = try await SignUp(ports: ports)(username: "paz", email: "paz@example.com", password: "correct horse")
        let room = try await CreateRoom(ports: ports)(name: "lobby", creator: user)
        let first = try await PostMessage(ports: ports)(content: "while away", from: user, in: room)
        let second = try await PostMessage(ports: ports)(content: "deleted later", from: user, in: room)
        let pending = try await store.pendingEvents(before: .distantFuture, limit: 10)
        #expect(pending.map(\.messageID) == [first.id, second.id])
        #expect(events.recorded == [first.id, second.id], "the queue is told once each mark is in the store")

        let relay = RelayPendingEvents(store: store, events: events, logger: ports.logger)
        // Still away: nothing confirmed, nothing forgotten.
        #expect(try await relay(olderThan: 0) == 0)
        #expect(try await store.pendingEvents(before: .distantFuture, limit: 10).count == 2)
        // Back: the live message is republished; the deleted one is just forgotten.
        _ = try await store.deleteMessages(ids: [second.id])
        events.setUp(true)
        #expect(try await relay(olderThan: 0) == 1)
        #expect(events.confirmed.map(\.id) == [first.id])
        #expect(try await store.pendingEvents(before: .distantFuture, limit: 10).isEmpty)
        // A post while the broker is up leaves nothing pending.
        _ = try await PostMessage(ports: ports)(content: "up", from: user, in: room)
        #expect(try await store.pendingEvents(before: .distantFuture, limit: 10).isEmpty)
    }

    @Test("a mark its holder keeps refreshing is never taken over; once the holder stops, exactly one relay takes it, once")
    func leases() async throws {
        let store = MemoryChatStore()
        let events = SwitchableEvents()
        let ports = await ports(store: store, events: events)
        let user = try await SignUp(ports: ports)(username: "paz", email: "paz@example.com", password: "correct horse")
        let room = try await CreateRoom(ports: ports)(name: "lobby", creator: user)
        let message = try await PostMessage(ports: ports)(content: "while away", from: user, in: room)
        let nodes = (0..<3).map { _ in RelayPendingEvents(store: store, events: events, logger: ports.logger) }
        events.setUp(true)
        // The holder refreshes its mark: no node's relay, however often it runs, takes it.
        for _ in 0..<3 {
            try await store.refreshPendingEvents(messageIDs: [message.id], now: Date())
            for node in nodes { #expect(try await node(olderThan: 60) == 0) }
        }
        #expect(events.confirmed.isEmpty)
        // The holder is gone: its mark ages; one relay takes it over and publishes it once.
        try await store.refreshPendingEvents(messageIDs: [message.id], now: Date().addingTimeInterval(-120))
        let confirmed = try await withThrowingTaskGroup(of: Int.self) { group in
            for node in nodes { group.addTask { try await node(olderThan: 60) } }
            var total = 0
            for try await count in group { total += count }
            return total
        }
        #expect(confirmed == 1)
        #expect(events.confirmed.map(\.id) == [message.id], "published once across three nodes")
        #expect(try await store.pendingEvents(before: .distantFuture, limit: 10).isEmpty)
    }

    @Test("a relay pass hands over what it can within its budget and leaves the rest of its claims for a later pass, unbuffered")
    func budget() async throws {
        let store = MemoryChatStore()
        let events = SlowAwayEvents(wait: .milliseconds(300))
        let ports = await ports(store: store, events: SwitchableEvents())
        let user = try await SignUp(ports: ports)(username: "paz", email: "paz@example.com", password: "correct horse")
        let room = try await CreateRoom(ports: ports)(name: "lobby", creator: user)
        var marks: [PendingEvent] = []
        for index in 0..<10 {
            let message = try await PostMessage(ports: ports)(content: "m\(index)", from: user, in: room)
            marks.append(PendingEvent(messageID: message.id, roomID: room.id, since: Date(timeIntervalSince1970: 1_000)))
        }
        try await store.clearPendingEvents(messageIDs: marks.map(\.messageID))
        try await store.markEventsPending(marks)
        let relay = RelayPendingEvents(store: store, events: events, logger: ports.logger)
        #expect(try await relay(olderThan: 60, confirmWait: .milliseconds(300), budget: .seconds(1)) == 0)
        let handedOver = events.recorded.count
        #expect(handedOver >= 1 && handedOver < 10, "stopped at its budget: \(handedOver) of 10 handed over")
        #expect(try await store.pendingEvents(before: .distantFuture, limit: 20).count == 10, "every mark stays until confirmed")
    }

    @Test("the relay leaves events younger than its age alone (their node may still deliver them)")
    func youngLeftAlone() async throws {
        let store = MemoryChatStore()
        let events = SwitchableEvents()
        let ports = await ports(store: store, events: events)
        let user = try await SignUp(ports: ports)(username: "paz", email: "paz@example.com", password: "correct horse")
        let room = try await CreateRoom(ports: ports)(name: "lobby", creator: user)
        _ = try await PostMessage(ports: ports)(content: "fresh", from: user, in: room)
        events.setUp(true)
        #expect(try await RelayPendingEvents(store: store, events: events, logger: ports.logger)(olderThan: 3600) == 0)
        #expect(try await store.pendingEvents(before: .distantFuture, limit: 10).count == 1)
    }
}
