import ChatCore
import Logging
import Synchronization

/// The event queue when nothing in reach would consume events: no RabbitMQ configured
/// and no notification service in this process. Says so once, then counts.
public final class DiscardingEventQueue: MessageEventQueue {
    private let discarded = Atomic<Int>(0)
    private let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// Events not emitted.
    public var discardedCount: Int { discarded.load(ordering: .relaxed) }

    public func publish(_ event: MessageEvent) async {
        if discarded.add(1, ordering: .relaxed).newValue == 1 {
            logger.notice("message events are not emitted: no RabbitMQ configured and no notification service in this process")
        }
    }
}
