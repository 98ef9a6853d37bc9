import ChatCore
import KitSupport
import Logging
import ServiceLifecycle

/// Consumes the in-process event queue (`serve all` without RabbitMQ). A failed event
/// (the store was down) is retried with backoff until it succeeds or the process stops,
/// so nothing is skipped while the process lives.
public struct InProcessEventConsumer: Service {
    let queue: InProcessEventQueue
    let logger: Logger
    let metrics: ChatMetrics
    let handler: MessageEventHandler

    public init(queue: InProcessEventQueue, logger: Logger, metrics: ChatMetrics = .disabled, handler: @escaping MessageEventHandler) {
        self.queue = queue
        self.logger = logger
        self.metrics = metrics
        self.handler = handler
    }

    public func run() async throws {
        for await event in queue.events.cancelOnGracefulShutdown() {
            var failures = 0
            while !Task.isCancelled {
                do {
                    try await handler(event, NotificationID.eventKey(for: event, rawBody: []))
                    metrics.eventsConsumed.increment()
                    break
                } catch {
                    failures += 1
                    if failures == 1 { logger.error("message event not handled; retrying", metadata: ["error": "\(error)", "event_id": "\(event.id)"]) }
                    try? await Task.sleep(for: Backoff.delay(afterFailures: failures))
                    if Task.isShuttingDownGracefully { break }
                }
            }
        }
    }
}
