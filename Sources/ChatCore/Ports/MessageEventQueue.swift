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
}

extension MessageEventQueue {
    /// Queues that hand events over synchronously hold them once `publish` returns.
    public func publishConfirmed(_ event: MessageEvent, within timeout: Duration) async -> Bool {
        await publish(event)
        return true
    }
}
