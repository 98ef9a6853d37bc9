import BlockingGuard
import Foundation
import KitSupport
import Synchronization

/// Request/response work on RabbitMQ — declare, status, publish with confirms, peek,
/// purge, move, delete — on one connection owned by a dedicated thread (librabbitmq
/// blocks and is not thread-safe, so no call runs on an event loop or the cooperative pool).
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
        /// messages for a missing queue, and confirms them anyway). Declared again, too,
        /// when a publish to one comes back unroutable (deleted under a live connection).
        public var declareOnConnect: [AMQPQueue]
        /// Told how each of those declares went (which durability, or why it was refused).
        public var onDeclare: AMQPDeclareObserver?

        public init(
            heartbeat: Int = 30, connectTimeout: Duration = .seconds(2), confirmTimeout: Duration = .seconds(5), declareOnConnect: [AMQPQueue] = [],
            onDeclare: AMQPDeclareObserver? = nil
        ) {
            self.heartbeat = heartbeat
            self.connectTimeout = connectTimeout
            self.confirmTimeout = confirmTimeout
            self.declareOnConnect = declareOnConnect
            self.onDeclare = onDeclare
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

    /// Declares `queue` (creating it if needed) and returns its counts and durability.
    public func declare(_ queue: AMQPQueue) async throws(AMQPError) -> AMQPQueueStatus {
        try await run { worker throws(AMQPError) in try worker.connection().declare(queue) }
    }

    /// The counts of an existing queue (passive declare); `.closedByBroker(404)` if missing.
    public func status(of queueName: String, durable: Bool = true) async throws(AMQPError) -> AMQPQueueStatus {
        try await run { worker throws(AMQPError) in try worker.connection().declare(AMQPQueue(name: queueName, durable: durable), passive: true) }
    }

    /// The counts and durability of an existing queue, or nil when there is none — without
    /// creating it: a passive declare first, then a declare with `queue`'s arguments, which
    /// changes nothing on an existing queue and (with `acceptsOtherDurability`) finds its
    /// durability, which a passive declare does not report. Only a queue deleted between
    /// the two steps would be created again by the second.
    public func inspect(_ queue: AMQPQueue) async throws(AMQPError) -> AMQPQueueStatus? {
        try await run { worker throws(AMQPError) -> AMQPQueueStatus? in
            let connection = try worker.connection()
            do throws(AMQPError) {
                _ = try connection.declare(queue, passive: true)
            } catch {
                guard error.kind == .closedByBroker(code: 404) else { throw error }
                try connection.reopenChannel()
                return nil
            }
            return try connection.declare(queue)
        }
    }

    /// Publishes `messages` in order to the default exchange (routing key = queue name)
    /// and returns once the broker confirmed every one (it then has them: persistent
    /// messages on a durable queue survive a broker restart).
    ///
    /// Publishes are mandatory: a message no queue took is returned by the broker (and
    /// confirmed anyway), never silently dropped. When the queue is one of
    /// `declareOnConnect` — deleted under this live connection, say by `chatctl queues
    /// migrate` — it is declared again as on connect and only the returned messages are
    /// published again (twice at most); otherwise, or if they still come back, this
    /// throws `.unroutable` (and the caller's retry publishes the batch again).
    public func publish(_ messages: [AMQPMessage], to queueName: String) async throws(AMQPError) {
        guard !messages.isEmpty else { return }
        let timeout = options.confirmTimeout
        let redeclare = options.declareOnConnect.first { $0.name == queueName }
        try await run { worker throws(AMQPError) -> Void in
            let connection = try worker.connection()
            var pending = messages
            var rounds = 0
            while true {
                var last: UInt64 = 0
                for message in pending { last = try connection.publish(message, routingKey: queueName, mandatory: true) }
                let returned = try connection.waitForConfirms(upTo: last, timeout: timeout)
                if returned.isEmpty { return }
                rounds += 1
                guard let redeclare, rounds <= 2, let unrouted = Self.unrouted(returned, of: pending) else {
                    throw AMQPError(
                        .unroutable, "RabbitMQ returned \(returned.count) of \(pending.count) messages published to \(queueName): no such queue")
                }
                _ = try worker.declare(redeclare, on: connection)
                pending = unrouted
            }
        }
    }

    /// Moves up to `limit` messages from the head of `source` to the end of
    /// `destination`, in order, and returns how many (0: `source` is empty). Nothing is
    /// lost: the messages are taken unsettled, published (persistent, mandatory) and
    /// confirmed, and only then acknowledged on `source`; on any failure the taken ones
    /// go back to `source`. A process killed between the confirm and the acks leaves
    /// that batch in both queues (the broker requeues what was never acknowledged).
    /// Properties kept: body, message id, content type, string headers.
    public func move(from source: String, to destination: String, limit: Int) async throws(AMQPError) -> Int {
        let timeout = options.confirmTimeout
        return try await run { worker throws(AMQPError) -> Int in
            let connection = try worker.connection()
            var taken: [AMQPDelivery] = []
            do throws(AMQPError) {
                while taken.count < limit, let delivery = try connection.get(source, generation: worker.generation) {
                    taken.append(delivery)
                }
                guard !taken.isEmpty else { return 0 }
                var last: UInt64 = 0
                for delivery in taken {
                    let copy = AMQPMessage(
                        body: delivery.body, persistent: true, contentType: delivery.contentType, messageID: delivery.messageID, headers: delivery.headers)
                    last = try connection.publish(copy, routingKey: destination, mandatory: true)
                }
                let returned = try connection.waitForConfirms(upTo: last, timeout: timeout)
                guard returned.isEmpty else {
                    throw AMQPError(.unroutable, "RabbitMQ returned the messages moved to \(destination): no such queue")
                }
                for delivery in taken { try connection.ack(delivery.deliveryTag) }
            } catch {
                // Unsettled messages go back to `source` when the channel closes.
                worker.drop()
                throw error
            }
            return taken.count
        }
    }

    /// Deletes a queue and returns how many messages it held. `ifUnused` / `ifEmpty`:
    /// the broker refuses (`.closedByBroker(406)`) while it has consumers / messages.
    public func delete(_ queueName: String, ifUnused: Bool = false, ifEmpty: Bool = false) async throws(AMQPError) -> Int {
        try await run { worker throws(AMQPError) in try worker.connection().delete(queueName, ifUnused: ifUnused, ifEmpty: ifEmpty) }
    }

    /// The messages of `batch` the broker returned, in publish order, matched by message
    /// id and body; nil when one cannot be matched (then the whole batch is retried).
    static func unrouted(_ returned: [AMQPDelivery], of batch: [AMQPMessage]) -> [AMQPMessage]? {
        var matched = Set<Int>()
        for delivery in returned {
            let index = batch.indices.first { !matched.contains($0) && batch[$0].messageID == delivery.messageID && batch[$0].body == delivery.body }
            guard let index else { return nil }
            matched.insert(index)
        }
        return matched.sorted().map { batch[$0] }
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
        /// Why the last connect failed: repeated while waiting to retry (a declare the
        /// broker refuses is not "unreachable").
        private var lastFailure: AMQPError?
        private(set) var generation = 0

        init(endpoint: AMQPEndpoint, options: Options) {
            self.endpoint = endpoint
            self.options = options
        }

        func connection() throws(AMQPError) -> AMQPConnection {
            if let current, current.isOpen { return current }
            current = nil
            guard ContinuousClock.now >= retryAt else {
                if let lastFailure, lastFailure.kind != .unavailable { throw AMQPError(lastFailure.kind, "\(lastFailure.message); retrying shortly") }
                throw AMQPError(.unavailable, "RabbitMQ at \(endpoint.host):\(endpoint.port) is unreachable; retrying shortly")
            }
            do throws(AMQPError) {
                let connection = try AMQPConnection(endpoint: endpoint, heartbeat: options.heartbeat, connectTimeout: options.connectTimeout)
                try connection.enableConfirms()
                for queue in options.declareOnConnect { _ = try declare(queue, on: connection) }
                failures = 0
                lastFailure = nil
                generation += 1
                current = connection
                return connection
            } catch {
                failures += 1
                lastFailure = error
                retryAt = ContinuousClock.now + Backoff.delay(afterFailures: failures)
                throw error
            }
        }

        /// Declares one of `declareOnConnect` and tells `onDeclare` how it went.
        func declare(_ queue: AMQPQueue, on connection: AMQPConnection) throws(AMQPError) -> AMQPQueueStatus {
            do throws(AMQPError) {
                let status = try connection.declare(queue)
                options.onDeclare?(queue, .success(status))
                return status
            } catch {
                options.onDeclare?(queue, .failure(error))
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
                    // The connection stays for answers about messages (refused, late, unroutable).
                    if error.kind != .nacked && error.kind != .timeout && error.kind != .unroutable { worker.drop() }
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
