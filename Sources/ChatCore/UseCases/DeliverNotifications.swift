import Foundation

/// Turns one message event into stored notifications — one per room member other than
/// the sender, online or not (every member for a system message, whose sender is no
/// member) — and pushes them to connected receivers.
///
/// Idempotent: notification ids derive from the event (`NotificationID`), so handling a
/// redelivered event stores nothing twice. Throws only when the store fails (the event
/// must then be retried); an event for a room that no longer exists stores nothing.
public struct DeliverNotifications: Sendable {
    let store: any ChatStore
    let pusher: any NotificationPusher
    let metrics: ChatMetrics

    public init(store: any ChatStore, pusher: any NotificationPusher, metrics: ChatMetrics = .disabled) {
        self.store = store
        self.pusher = pusher
        self.metrics = metrics
    }

    /// What handling one event did.
    public struct Outcome: Sendable, Equatable {
        public var notifications: [ChatNotification]
        /// Newly stored (0 for a redelivery).
        public var stored: Int
        public var pushed: Int
        public var roomFound: Bool
    }

    public func callAsFunction(_ event: MessageEvent, eventKey: [UInt8]) async throws -> Outcome {
        guard let room = try await store.room(id: event.roomID) else {
            return Outcome(notifications: [], stored: 0, pushed: 0, roomFound: false)
        }
        let notifications = room.members.filter { $0 != event.senderID }.map { receiver in
            ChatNotification(
                id: NotificationID.make(eventKey: eventKey, receiver: receiver, timestamp: event.timestamp),
                content: event.content, senderID: event.senderID, roomID: event.roomID, receiverID: receiver,
                seen: false, timestamp: event.timestamp)
        }
        guard !notifications.isEmpty else { return Outcome(notifications: [], stored: 0, pushed: 0, roomFound: true) }
        let stored = try await store.insertNotifications(notifications)
        metrics.notificationsStored.increment(by: stored)
        // A redelivered event (nothing new stored) was pushed the first time.
        let pushed = stored > 0 ? pusher.push(notifications) : 0
        metrics.notificationsPushed.increment(by: pushed)
        return Outcome(notifications: notifications, stored: stored, pushed: pushed, roomFound: true)
    }
}
