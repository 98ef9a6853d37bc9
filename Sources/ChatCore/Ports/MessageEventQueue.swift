/// Carries message events from the chat service to the notification service.
///
/// `publish` never blocks the chat service and never fails it: an implementation
/// buffers (bounded) while its broker is away and counts what it had to drop.
public protocol MessageEventQueue: Sendable {
    func publish(_ event: MessageEvent) async
}
