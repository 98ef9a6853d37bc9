import Foundation
import Logging

/// Republishes the events of messages whose event the broker never confirmed: a post
/// made while RabbitMQ was away leaves its message in the store's pending-event log
/// (`PostMessage`), and if the node that buffered the event dies before the broker
/// returns, this — on any node — publishes it again. Notifications are idempotent per
/// message and receiver, so an event published twice is delivered once.
public struct RelayPendingEvents: Sendable {
    let store: any ChatStore
    let events: any MessageEventQueue
    let logger: Logger

    public init(store: any ChatStore, events: any MessageEventQueue, logger: Logger) {
        self.store = store
        self.events = events
        self.logger = logger
    }

    /// Republishes pending events older than `age` (the node that posted them had that
    /// long to deliver them itself), up to `limit`; returns how many the broker confirmed.
    @discardableResult
    public func callAsFunction(olderThan age: TimeInterval = 10, limit: Int = 500, confirmWait: Duration = .seconds(5)) async throws -> Int {
        let pending = try await store.pendingEvents(before: Date().addingTimeInterval(-age), limit: limit)
        var done: [ObjectID] = []
        var confirmed = 0
        for event in pending {
            guard let message = try await store.message(id: event.messageID, inRoom: event.roomID) else {
                done.append(event.messageID)  // archived or deleted meanwhile: nothing to notify
                continue
            }
            guard await events.publishConfirmed(MessageEvent(message: message), within: confirmWait) else { break }
            done.append(event.messageID)
            confirmed += 1
        }
        try await store.clearPendingEvents(messageIDs: done)
        if confirmed > 0 {
            logger.notice("republished message events RabbitMQ had not confirmed", metadata: ["events": "\(confirmed)"])
        }
        return confirmed
    }
}
