import BlockingGuard
import Foundation
import KitSupport
import Synchronization

/// Consumes a queue with manual acks on a dedicated thread, as an `AsyncSequence`.
///
/// The thread declares the queue (telling `onDeclare` how that went), sets the
/// prefetch, consumes, and after a dropped connection reconnects with backoff, declares
/// again and resumes (emitting `.connected` each time). Unsettled deliveries of a dropped connection are
/// redelivered by the broker, so their late `ack`s are ignored (generation check).
/// `stop()` (or cancelling the consuming task) shuts the socket down at once. The
/// thread's lifecycle is KitSupport's `ThreadBackedSequence`.
public final class AMQPConsumer: AsyncSequence, Sendable {
    public enum Event: Sendable {
        /// Consuming (again); anything unsettled before was returned to the queue.
        case connected
        case delivery(AMQPDelivery)
        /// The connection dropped; the consumer is reconnecting.
        case disconnected(String)
    }

    public typealias Element = Event
    private typealias Feed = ThreadBackedSequence<Event, Never>.Feed

    private let endpoint: AMQPEndpoint
    private let queue: AMQPQueue
    private let prefetch: Int
    private let heartbeat: Int
    private let onDeclare: AMQPDeclareObserver?
    private let events = ThreadBackedSequence<Event, Never>(name: "amqp-consumer")
    private let shared = Mutex(Shared())

    private struct Shared {
        var generation = 0
        /// (delivery tag, ack or nack-with-requeue?) to send from the thread.
        var settlements: [(tag: UInt64, generation: Int, settlement: Settlement)] = []
    }

    enum Settlement {
        case ack
        case nack(requeue: Bool)
    }

    public init(endpoint: AMQPEndpoint, queue: AMQPQueue, prefetch: Int = 100, heartbeat: Int = 30, onDeclare: AMQPDeclareObserver? = nil) {
        self.endpoint = endpoint
        self.queue = queue
        self.prefetch = prefetch
        self.heartbeat = heartbeat
        self.onDeclare = onDeclare
    }

    public func makeAsyncIterator() -> AsyncStream<Event>.AsyncIterator {
        startIfNeeded()
        return events.makeStreamIterator()
    }

    /// Acknowledges a delivery: the broker forgets it.
    public func ack(_ delivery: AMQPDelivery) { settle(delivery, .ack) }

    /// Returns a delivery to the queue (`requeue`) or drops it.
    public func nack(_ delivery: AMQPDelivery, requeue: Bool) { settle(delivery, .nack(requeue: requeue)) }

    private func settle(_ delivery: AMQPDelivery, _ settlement: Settlement) {
        shared.withLock { $0.settlements.append((delivery.deliveryTag, delivery.connectionGeneration, settlement)) }
    }

    /// Starts the thread (done by the first iteration).
    public func startIfNeeded() {
        events.startIfNeeded { [self] feed in
            BlockingCallGuard.assertNotOnEventLoop("the AMQP consumer loop")
            feed.retryUntilStopped { connected in
                do throws(AMQPError) {
                    try consumeUntilFailure(feed, onConnected: connected)
                } catch {
                    if !feed.isStopped { feed.yield(.disconnected(error.message)) }
                }
            }
        }
    }

    /// Ends the consumer and the sequence (unsettled deliveries return to the queue).
    public func stop() { events.stop() }

    private func consumeUntilFailure(_ feed: Feed, onConnected: () -> Void) throws(AMQPError) {
        let connection = try AMQPConnection(endpoint: endpoint, heartbeat: heartbeat)
        guard feed.shutDownOnStop(socket: connection.socketDescriptor) else { return }
        defer { feed.clearWake() }
        let generation = shared.withLock { shared -> Int in
            shared.generation += 1
            shared.settlements.removeAll()
            return shared.generation
        }
        do throws(AMQPError) {
            let status = try connection.declare(queue)
            onDeclare?(queue, .success(status))
        } catch {
            onDeclare?(queue, .failure(error))
            throw error
        }
        try connection.setPrefetch(prefetch)
        try connection.consume(queue.name)
        onConnected()
        feed.yield(.connected)
        while !feed.isStopped {
            let settlements = shared.withLock { shared in
                defer { shared.settlements.removeAll() }
                return shared.settlements
            }
            for item in settlements where item.generation == generation {
                switch item.settlement {
                case .ack: try connection.ack(item.tag)
                case .nack(let requeue): try connection.nack(item.tag, requeue: requeue)
                }
            }
            if let delivery = try connection.nextDelivery(timeout: .milliseconds(50), generation: generation) {
                feed.yield(.delivery(delivery))
            }
        }
    }
}
