/// Handles one message event at the consuming end of a `MessageEventQueue` (the
/// notification service's `DeliverNotifications`); `eventKey` identifies the event for
/// idempotent handling. Throwing means "try again later": the event is returned to the queue.
public typealias MessageEventHandler = @Sendable (_ event: MessageEvent, _ eventKey: [UInt8]) async throws -> Void

/// Carries message events from the chat service to the notification service.
///
/// `publish` never blocks the chat service and never fails it: an implementation
/// buffers (bounded) while its broker is away and counts what it had to drop.
public protocol MessageEventQueue: Sendable {
    func publish(_ event: MessageEvent) async

    /// Publishes `event` and waits, at most `timeout`, until its broker holds it (for
    /// RabbitMQ: confirmed, persistent in a durable queue); true when it does. Returns at
    /// once (false) while the broker is known to be away: the event stays buffered.
    /// `PostMessage` calls this before broadcasting, so a chat node killed after a
    /// client saw its message cannot take that message's event with it.
    func publishConfirmed(_ event: MessageEvent, within timeout: Duration) async -> Bool

    /// `publishConfirmed` gave up on `event` (returned false) and its message is now in
    /// the store's pending-event log. A queue that still holds the event clears that
    /// mark once its broker confirms the event, so `RelayPendingEvents` does not publish
    /// it a second time. By default the mark stays and the relay republishes the event
    /// (notifications are idempotent per message and receiver, so nothing doubles).
    func pendingEventRecorded(_ event: MessageEvent) async
}

extension MessageEventQueue {
    /// Queues that hand events over synchronously hold them once `publish` returns.
    public func publishConfirmed(_ event: MessageEvent, within timeout: Duration) async -> Bool {
        await publish(event)
        return true
    }

    /// Queues that cannot tell when a given event is confirmed leave the mark to the relay.
    public func pendingEventRecorded(_ event: MessageEvent) async {}
}
