import Foundation
import Logging

/// How long a pending-event mark (`PendingEventLog`) stays its node's: the node that
/// buffers an event refreshes its mark every `refreshInterval`; a mark not refreshed for
/// `takeoverAge` is taken over by one other node's relay.
public enum PendingEventLease {
    public static let takeoverAge: TimeInterval = 10
    /// Well under `takeoverAge`, so a busy node's late refresh does not lose its marks.
    public static let refreshInterval: Duration = .seconds(2)
}

/// Republishes the events of messages whose event the broker never confirmed: a post
/// made while RabbitMQ was away leaves its message in the store's pending-event log
/// (`PostMessage`), and if the node that buffered the event dies before the broker
/// returns, this — on exactly one other node — publishes it again.
///
/// Marks are leases (`PendingEventLog`): the relay takes over only marks no live node
/// refreshed for `PendingEventLease.takeoverAge`, each claim is atomic, and an event it
/// could not get confirmed stays in its own buffer under a mark it now refreshes itself.
/// So after an outage each stored message's event reaches the broker once; twice only
/// where a confirmation was really lost (a node died between the broker's confirm and
/// clearing the mark).
public struct RelayPendingEvents: Sendable {
    let store: any ChatStore
    let events: any MessageEventQueue
    let logger: Logger
    let metrics: ChatMetrics

    public init(store: any ChatStore, events: any MessageEventQueue, logger: Logger, metrics: ChatMetrics = .disabled) {
        self.store = store
        self.events = events
        self.logger = logger
        self.metrics = metrics
    }

    /// Takes over pending marks older than `age`, up to `limit`, and publishes their
    /// events; returns how many the broker confirmed.
    ///
    /// A claimed mark is this node's only once its event is buffered here (the queue then
    /// refreshes it), so the pass hands each event over with a short wait and stops after
    /// `budget` — well inside the takeover age — leaving marks it did not reach for the
    /// next pass or another node, which no one has buffered yet.
    @discardableResult
    public func callAsFunction(
        olderThan age: TimeInterval = PendingEventLease.takeoverAge, limit: Int = 200, confirmWait: Duration = .milliseconds(200),
        budget: Duration = .seconds(PendingEventLease.takeoverAge / 2)
    ) async throws -> Int {
        let now = Date()
        let started = ContinuousClock.now
        let claimed = try await store.claimPendingEvents(before: now.addingTimeInterval(-age), now: now, limit: limit)
        var done: [ObjectID] = []
        var confirmed = 0
        var held = 0
        do {
            for pending in claimed {
                guard ContinuousClock.now - started < budget else { break }
                guard let message = try await store.message(id: pending.messageID, inRoom: pending.roomID) else {
                    done.append(pending.messageID)  // archived or deleted meanwhile: nothing to notify
                    continue
                }
                let event = MessageEvent(message: message)
                if await events.publishConfirmed(event, within: confirmWait) {
                    done.append(pending.messageID)
                    confirmed += 1
                } else {
                    // Buffered here now: this node's queue refreshes the mark and clears it
                    // once the broker confirms (it never buffers the same event twice).
                    await events.pendingEventRecorded(event)
                    held += 1
                }
            }
        } catch {
            // What was confirmed before the failure must not go out again.
            try? await store.clearPendingEvents(messageIDs: done)
            throw error
        }
        try await store.clearPendingEvents(messageIDs: done)
        metrics.eventsRepublished.increment(by: confirmed)
        if confirmed > 0 || held > 0 {
            logger.notice("republished message events another node had not delivered", metadata: [
                "confirmed": "\(confirmed)", "buffered_until_the_broker_returns": "\(held)",
            ])
        }
        return confirmed
    }
}
