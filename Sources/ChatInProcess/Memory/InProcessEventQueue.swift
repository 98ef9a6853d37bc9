import ChatCore
import Logging
import Synchronization

/// The message-event queue inside one process, for `serve all` without RabbitMQ.
///
/// Bounded: when nobody consumes and the buffer is full, the oldest events are dropped
/// and counted (`droppedCount`), and the first drop of each burst is logged.
public final class InProcessEventQueue: MessageEventQueue {
    /// The events, for the in-process notification consumer.
    public let events: AsyncStream<MessageEvent>
    private let continuation: AsyncStream<MessageEvent>.Continuation
    private let dropped = Atomic<Int>(0)
    private let logger: Logger

    public init(capacity: Int = 10_000, logger: Logger) {
        (events, continuation) = AsyncStream.makeStream(of: MessageEvent.self, bufferingPolicy: .bufferingNewest(capacity))
        self.logger = logger
    }

    /// Events dropped because the buffer was full.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }

    public func publish(_ event: MessageEvent) async {
        if case .dropped = continuation.yield(event) {
            let total = dropped.add(1, ordering: .relaxed).newValue
            if total == 1 || total.isMultiple(of: 1000) {
                logger.warning("in-process event queue full: dropping oldest events", metadata: ["dropped_total": "\(total)"])
            }
        }
    }

    /// Ends the stream (at shutdown).
    public func finish() { continuation.finish() }
}
