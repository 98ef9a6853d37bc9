import BlockingGuard
import Foundation
import Synchronization

/// Request/response work on RabbitMQ — declare, status, publish with confirms, peek,
/// purge — on one connection owned by a dedicated thread (librabbitmq blocks and is not
/// thread-safe, so no call runs on an event loop or the cooperative pool).
///
/// Calls are served in order. A dropped connection fails the call in progress with
/// `.unavailable` and is re-opened (with backoff) by the next call; while idle the
/// thread keeps the connection's heartbeats going.
public final class AMQPClient: Sendable {
    public struct Options: Sendable {
        public var heartbeat: Int
        public var connectTimeout: Duration
        public var confirmTimeout: Duration
        /// Queues declared on every (re)connect, before any call: a queue deleted while the
        /// broker was away is back before the first publish (the default exchange drops
        /// messages for a missing queue, and confirms them anyway).
        public var declareOnConnect: [AMQPQueue]

        public init(
            heartbeat: Int = 30, connectTimeout: Duration = .seconds(2), confirmTimeout: Duration = .seconds(5), declareOnConnect: [AMQPQueue] = []
        ) {
            self.heartbeat = heartbeat
            self.connectTimeout = connectTimeout
            self.confirmTimeout = confirmTimeout
            self.declareOnConnect = declareOnConnect
        }
    }

    public let endpoint: AMQPEndpoint
    let options: Options
    private let jobs = JobQueue()

    /// Jobs for the worker thread; shared by the client and the thread (which must not
    /// keep the client alive, so that dropping the client stops the thread).
    final class JobQueue: Sendable {
        struct State {
            var queue: [@Sendable (Worker) -> Void] = []
            var stopped = false
            var started = false
        }

        let state = Mutex(State())
        let wakeUp = DispatchSemaphore(value: 0)
    }

    public init(endpoint: AMQPEndpoint, options: Options = Options()) {
        self.endpoint = endpoint
        self.options = options
    }

    /// Stops the thread after the calls already queued; later calls fail with `.closed`.
    public func close() {
        let wasRunning = jobs.state.withLock { state -> Bool in
            defer { state.stopped = true }
            return state.started && !state.stopped
        }
        if wasRunning { jobs.wakeUp.signal() }
    }

    deinit { close() }

    // MARK: - Operations

    /// Declares `queue` (creating it if needed) and returns its counts.
    public func declare(_ queue: AMQPQueue) async throws(AMQPError) -> AMQPQueueStatus {
        try await run { worker throws(AMQPError) in try worker.connection().declare(queue) }
    }

    /// The counts of an existing queue (passive declare); `.closedByBroker(404)` if missing.
    public func status(of queueName: String, durable: Bool = true) async throws(AMQPError) -> AMQPQueueStatus {
        try await run { worker throws(AMQPError) in try worker.connection().declare(AMQPQueue(name: queueName, durable: durable), passive: true) }
    }

    /// Publishes `messages` in order to the default exchange (routing key = queue name)
    /// and returns once the broker confirmed every one (it then has them: persistent
    /// messages on a durable queue survive a broker restart).
    public func publish(_ messages: [AMQPMessage], to queueName: String) async throws(AMQPError) {
        guard !messages.isEmpty else { return }
        let timeout = options.confirmTimeout
        try await run { worker throws(AMQPError) in
            let connection = try worker.connection()
            var last: UInt64 = 0
            for message in messages { last = try connection.publish(message, routingKey: queueName) }
            try connection.waitForConfirms(upTo: last, timeout: timeout)
        }
    }

    /// Up to `limit` messages from the head of the queue, returned to it unchanged
    /// (taken with `basic.get`, then requeued in place): a look that loses nothing.
    public func peek(_ queueName: String, limit: Int) async throws(AMQPError) -> [AMQPDelivery] {
        try await run { worker throws(AMQPError) in
            let connection = try worker.connection()
            var taken: [AMQPDelivery] = []
            do throws(AMQPError) {
                while taken.count < limit, let delivery = try connection.get(queueName, generation: worker.generation) {
                    taken.append(delivery)
                }
            } catch {
                // Unsettled messages go back to the queue when the channel closes.
                worker.drop()
                throw error
            }
            for delivery in taken.reversed() { try connection.nack(delivery.deliveryTag, requeue: true) }
            return taken
        }
    }

    /// Takes one message and acknowledges it (it is gone from the queue), or nil.
    public func take(_ queueName: String) async throws(AMQPError) -> AMQPDelivery? {
        try await run { worker throws(AMQPError) in
            let connection = try worker.connection()
            guard let delivery = try connection.get(queueName, generation: worker.generation) else { return nil }
            try connection.ack(delivery.deliveryTag)
            return delivery
        }
    }

    /// Removes every ready message; returns how many.
    public func purge(_ queueName: String) async throws(AMQPError) -> Int {
        try await run { worker throws(AMQPError) in try worker.connection().purge(queueName) }
    }

    /// Connects if needed and checks the socket is alive (a dead broker is noticed at once,
    /// not at the next heartbeat): for readiness checks.
    public func ping() async throws(AMQPError) {
        try await run { worker throws(AMQPError) in try worker.connection().serviceHeartbeat() }
    }

    // MARK: - The worker thread

    /// What a job sees: the thread's connection, opened on demand.
    final class Worker: @unchecked Sendable {
        // Touched only on the worker thread.
        let endpoint: AMQPEndpoint
        let options: Options
        private var current: AMQPConnection?
        private var failures = 0
        private var retryAt = ContinuousClock.now
        private(set) var generation = 0

        init(endpoint: AMQPEndpoint, options: Options) {
            self.endpoint = endpoint
            self.options = options
        }

        func connection() throws(AMQPError) -> AMQPConnection {
            if let current, current.isOpen { return current }
            current = nil
            guard ContinuousClock.now >= retryAt else {
                throw AMQPError(.unavailable, "RabbitMQ at \(endpoint.host):\(endpoint.port) is unreachable; retrying shortly")
            }
            do throws(AMQPError) {
                let connection = try AMQPConnection(endpoint: endpoint, heartbeat: options.heartbeat, connectTimeout: options.connectTimeout)
                try connection.enableConfirms()
                for queue in options.declareOnConnect { _ = try connection.declare(queue) }
                failures = 0
                generation += 1
                current = connection
                return connection
            } catch {
                failures += 1
                retryAt = ContinuousClock.now + AMQPBackoff.delay(afterFailures: failures)
                throw error
            }
        }

        /// Forgets the connection after a failure (the next call reconnects).
        func drop() { current = nil }

        func idle() {
            BlockingCallGuard.assertNotOnEventLoop("an AMQP heartbeat")
            guard let current, current.isOpen else { return }
            do { try current.serviceHeartbeat() } catch { drop() }
        }
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (Worker) throws(AMQPError) -> T) async throws(AMQPError) -> T {
        let result: Result<T, AMQPError> = await withCheckedContinuation { continuation in
            let job: @Sendable (Worker) -> Void = { worker in
                BlockingCallGuard.assertNotOnEventLoop("a librabbitmq call")
                do throws(AMQPError) {
                    continuation.resume(returning: .success(try body(worker)))
                } catch {
                    if error.kind != .nacked && error.kind != .timeout { worker.drop() }
                    continuation.resume(returning: .failure(error))
                }
            }
            let (accepted, start) = jobs.state.withLock { state -> (Bool, Bool) in
                guard !state.stopped else { return (false, false) }
                state.queue.append(job)
                defer { state.started = true }
                return (true, !state.started)
            }
            if start { startThread() }
            if accepted { jobs.wakeUp.signal() } else { continuation.resume(returning: .failure(AMQPError(.closed, "the RabbitMQ client is closed"))) }
        }
        return try result.get()
    }

    private func startThread() {
        let worker = Worker(endpoint: endpoint, options: options)
        let interval = Double(max(1, options.heartbeat)) / 3
        let thread = Thread { [jobs] in
            while true {
                let signalled = jobs.wakeUp.wait(timeout: .now() + interval) == .success
                let (batch, stopped) = jobs.state.withLock { state in
                    defer { state.queue.removeAll() }
                    return (state.queue, state.stopped)
                }
                for job in batch { job(worker) }
                if stopped { break }
                if !signalled { worker.idle() }
            }
            worker.drop()
        }
        thread.name = "amqp-client"
        thread.start()
    }
}
