import BlockingGuard
import Foundation
import Synchronization

/// Consumes a queue with manual acks on a dedicated thread, as an `AsyncSequence`.
///
/// The thread declares the queue (telling `onDeclare` how that went), sets the
/// prefetch, consumes, and after a dropped connection reconnects with backoff, declares
/// again and resumes (emitting `.connected` each time). Unsettled deliveries of a dropped connection are
/// redelivered by the broker, so their late `ack`s are ignored (generation check).
/// `stop()` (or cancelling the consuming task) shuts the socket down at once.
public final class AMQPConsumer: AsyncSequence, Sendable {
    public enum Event: Sendable {
        /// Consuming (again); anything unsettled before was returned to the queue.
        case connected
        case delivery(AMQPDelivery)
        /// The connection dropped; the consumer is reconnecting.
        case disconnected(String)
    }

    public typealias Element = Event

    private let endpoint: AMQPEndpoint
    private let queue: AMQPQueue
    private let prefetch: Int
    private let heartbeat: Int
    private let onDeclare: AMQPDeclareObserver?
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let shared = Mutex(Shared())

    private struct Shared {
        var stopped = false
        var started = false
        var fd: Int32 = -1
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
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    public func makeAsyncIterator() -> AsyncStream<Event>.AsyncIterator {
        startIfNeeded()
        return events.makeAsyncIterator()
    }

    /// Acknowledges a delivery: the broker forgets it.
    public func ack(_ delivery: AMQPDelivery) { settle(delivery, .ack) }

    /// Returns a delivery to the queue (`requeue`) or drops it.
    public func nack(_ delivery: AMQPDelivery, requeue: Bool) { settle(delivery, .nack(requeue: requeue)) }

    private func settle(_ delivery: AMQPDelivery, _ settlement: Settlement) {
        shared.withLock { $0.settlements.append((delivery.deliveryTag, delivery.connectionGeneration, settlement)) }
    }

    public func startIfNeeded() {
        let start = shared.withLock { shared -> Bool in
            defer { shared.started = true }
            return !shared.started && !shared.stopped
        }
        guard start else { return }
        let thread = Thread { [self] in runLoop() }
        thread.name = "amqp-consumer"
        thread.start()
        continuation.onTermination = { [weak self] _ in self?.stop() }
    }

    /// Ends the consumer and the sequence (unsettled deliveries return to the queue).
    public func stop() {
        let fd = shared.withLock { shared -> Int32 in
            shared.stopped = true
            return shared.fd
        }
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        continuation.finish()
    }

    private var isStopped: Bool { shared.withLock { $0.stopped } }

    private func runLoop() {
        BlockingCallGuard.assertNotOnEventLoop("the AMQP consumer loop")
        var failures = 0
        while !isStopped {
            do {
                try consumeUntilFailure { failures = 0 }
            } catch {
                if isStopped { break }
                continuation.yield(.disconnected(error.message))
            }
            guard !isStopped else { break }
            failures += 1
            let delay = AMQPBackoff.delay(afterFailures: failures).components
            Thread.sleep(forTimeInterval: Double(delay.seconds) + Double(delay.attoseconds) / 1e18)
        }
        continuation.finish()
    }

    private func consumeUntilFailure(onConnected: () -> Void) throws(AMQPError) {
        let connection = try AMQPConnection(endpoint: endpoint, heartbeat: heartbeat)
        let generation = shared.withLock { shared -> Int? in
            guard !shared.stopped else { return nil }
            shared.fd = connection.socketDescriptor
            shared.generation += 1
            shared.settlements.removeAll()
            return shared.generation
        }
        guard let generation else { return }
        defer { shared.withLock { $0.fd = -1 } }
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
        continuation.yield(.connected)
        while !isStopped {
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
                continuation.yield(.delivery(delivery))
            }
        }
    }
}
