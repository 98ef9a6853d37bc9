import AMQPKit
import ChatCore
import Foundation
import KitSupport
import Logging
import ServiceLifecycle
import Synchronization

/// Message events to RabbitMQ queue `send_notification` (default exchange), as the Go
/// service's JSON, persistent and confirmed.
///
/// `publish` never waits for the broker: events go into a bounded buffer that this
/// service drains in order, in batches, removing events only once the broker confirmed
/// them. While RabbitMQ is away the buffer holds them (an outage is logged once) and
/// they go out in order when it returns; a full buffer drops new events, counted in
/// metrics and logged, never silently. On graceful shutdown the buffer is flushed
/// (bounded) and whatever could not be published is logged with its count.
///
/// A post that stopped waiting for its event's confirmation records the message in the
/// store's pending-event log (`PostMessage`); given that log, the queue clears such a
/// mark once the buffer's publish of the event is confirmed, so the relay does not
/// publish it a second time after an outage. Meanwhile it refreshes such a mark (so no
/// other node's relay takes it over), and an event the buffer already holds is never
/// buffered again (a relay pass or a client's resend during an outage): each message
/// reaches the broker once.
public final class RabbitMQEventQueue: MessageEventQueue, Service {
    private let client: AMQPClient
    private let queueName: String
    private let capacity: Int
    private let batchSize: Int
    private let flushTimeout: Duration
    private let logger: Logger
    private let metrics: ChatMetrics
    private let pendingLog: (any PendingEventLog)?
    private let outage: OutageLog
    private let buffer: Mutex<Buffer>
    private let wakeUp: AsyncStream<Void>
    private let wakeUpContinuation: AsyncStream<Void>.Continuation

    private let confirmations = ConfirmWaiters()

    private struct Buffer {
        var events: [AMQPMessage] = []
        /// The message id of each entry of `events`.
        var ids: [ObjectID] = []
        /// Events in the buffer, not yet confirmed, by message id: their tickets.
        var held: [ObjectID: Int] = [:]
        /// The last refresh of held marks failed (logged once until one succeeds).
        var refreshFailing = false
        /// Index of the first event not yet confirmed (the array is compacted in batches).
        var head = 0
        var droppedInBurst = 0
        /// Events ever buffered; an event's ticket is this count just after it went in.
        var enqueuedTotal = 0
        var count: Int { events.count - head }
        /// Every ticket up to this one is confirmed.
        var confirmedThrough: Int { enqueuedTotal - count }
        var late: LateConfirmations
    }

    public init(
        client: AMQPClient, queue: String, capacity: Int = 10_000, batchSize: Int = 100, flushTimeout: Duration = .seconds(5),
        pendingLog: (any PendingEventLog)? = nil, logger: Logger, metrics: ChatMetrics = .disabled
    ) {
        self.pendingLog = pendingLog
        self.buffer = Mutex(Buffer(late: LateConfirmations(limit: capacity)))
        self.client = client
        self.queueName = queue
        self.capacity = capacity
        self.batchSize = batchSize
        self.flushTimeout = flushTimeout
        self.logger = logger
        self.metrics = metrics
        self.outage = OutageLog(what: "RabbitMQ (\(client.endpoint))", logger: logger)
        (wakeUp, wakeUpContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Events waiting for the broker.
    public var pendingCount: Int { buffer.withLock { $0.count } }

    /// True from a failed publish until the next confirmed one: `publishConfirmed` then
    /// returns at once instead of waiting.
    public var isBrokerAway: Bool { outage.isDown }

    public func publish(_ event: MessageEvent) async {
        _ = enqueue(event)
    }

    public func publishConfirmed(_ event: MessageEvent, within timeout: Duration) async -> Bool {
        guard let ticket = enqueue(event) else { return false }
        if !outage.isDown, await confirmations.wait(for: ticket, timeout: timeout) { return true }
        if pendingLog != nil {
            buffer.withLock { $0.late.gaveUp(on: event.id, ticket: ticket, confirmedThrough: $0.confirmedThrough) }
        }
        return false
    }

    public func pendingEventRecorded(_ event: MessageEvent) async {
        guard let pendingLog else { return }
        let confirmedAlready = buffer.withLock { $0.late.recorded(event.id, confirmedThrough: $0.confirmedThrough) }
        if confirmedAlready { await clearMarks([event.id], in: pendingLog) }
    }

    /// Clears pending marks of confirmed events; a failure only means the relay publishes
    /// them once more.
    private func clearMarks(_ ids: [ObjectID], in log: any PendingEventLog) async {
        do {
            try await log.clearPendingEvents(messageIDs: ids)
        } catch {
            logger.warning("could not clear the pending marks of confirmed message events; the relay will publish them again", metadata: [
                "events": "\(ids.count)", "error": "\(error)",
            ])
        }
    }

    /// Buffers the event; returns its ticket, or nil when the buffer was full (dropped).
    /// An event already in the buffer keeps its place and ticket.
    private func enqueue(_ event: MessageEvent) -> Int? {
        let message = AMQPMessage(body: Self.encode(event), persistent: true, contentType: "application/json", messageID: event.id.hex)
        let outcome = buffer.withLock { buffer -> (ticket: Int?, dropped: Int?, alreadyHeld: Bool) in
            if let ticket = buffer.held[event.id] { return (ticket, nil, true) }
            guard buffer.count < capacity else {
                buffer.droppedInBurst += 1
                return (nil, buffer.droppedInBurst, false)
            }
            buffer.events.append(message)
            buffer.ids.append(event.id)
            buffer.enqueuedTotal += 1
            buffer.held[event.id] = buffer.enqueuedTotal
            return (buffer.enqueuedTotal, nil, false)
        }
        if outcome.alreadyHeld {
            metrics.eventsAlreadyBuffered.increment()
            return outcome.ticket
        }
        if let dropped = outcome.dropped {
            metrics.eventsDropped.increment()
            if dropped == 1 || dropped.isMultiple(of: 1000) {
                logger.error("message events dropped: the RabbitMQ buffer is full", metadata: [
                    "capacity": "\(capacity)", "dropped_in_this_outage": "\(dropped)", "queue": "\(queueName)",
                ])
            }
            return nil
        }
        metrics.eventBufferDepth.increment()
        wakeUpContinuation.yield()
        return outcome.ticket
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            if let pendingLog {
                // Until the buffer's last flush ends (not only until shutdown begins): the
                // flush may publish held events for seconds, and their marks must stay this
                // node's meanwhile.
                group.addTask {
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: PendingEventLease.refreshInterval) } catch { return }
                        await self.refreshHeldMarks(in: pendingLog)
                    }
                }
            }
            await self.drain()
            group.cancelAll()
        }
    }

    /// Publishes the buffer as events arrive until shutdown, then flushes it (bounded).
    private func drain() async {
        await withGracefulShutdownHandler {
            var failures = 0
            for await _ in wakeUp.cancelOnGracefulShutdown() {
                while !Task.isCancelled, !Task.isShuttingDownGracefully, pendingCount > 0 {
                    if await publishBatch() {
                        failures = 0
                    } else {
                        failures += 1
                        try? await Task.sleep(for: Backoff.delay(afterFailures: failures))
                    }
                }
            }
        } onGracefulShutdown: {
            self.wakeUpContinuation.finish()
        }
        await flushAtShutdown()
    }

    /// Tells the store this node still holds the events of its marks.
    private func refreshHeldMarks(in log: any PendingEventLog) async {
        let ids = buffer.withLock { $0.late.heldMarks }
        guard !ids.isEmpty else { return }
        do {
            try await log.refreshPendingEvents(messageIDs: Array(ids), now: Date())
            buffer.withLock { $0.refreshFailing = false }
        } catch {
            let first = buffer.withLock { buffer in
                defer { buffer.refreshFailing = true }
                return !buffer.refreshFailing
            }
            if first {
                logger.warning("could not refresh the pending marks of buffered message events; another node may publish them too", metadata: [
                    "events": "\(ids.count)", "error": "\(error)",
                ])
            }
        }
    }

    /// Publishes the oldest events (up to a batch); true when the broker confirmed them.
    private func publishBatch() async -> Bool {
        let batch = buffer.withLock { buffer in Array(buffer.events[buffer.head..<min(buffer.head + batchSize, buffer.events.count)]) }
        guard !batch.isEmpty else { return true }
        do {
            try await client.publish(batch, to: queueName)
        } catch {
            metrics.eventPublishFailures.increment()
            outage.failed(error)
            return false
        }
        outage.recovered()
        let (confirmedTotal, marksToClear) = buffer.withLock { buffer -> (Int, [ObjectID]) in
            for id in buffer.ids[buffer.head..<buffer.head + batch.count] { buffer.held[id] = nil }
            buffer.head += batch.count
            buffer.droppedInBurst = 0
            if buffer.head >= 1024 || buffer.head == buffer.events.count {
                buffer.events.removeFirst(buffer.head)
                buffer.ids.removeFirst(buffer.head)
                buffer.head = 0
            }
            return (buffer.confirmedThrough, buffer.late.confirmed(through: buffer.confirmedThrough))
        }
        confirmations.confirmed(through: confirmedTotal)
        if !marksToClear.isEmpty, let pendingLog { await clearMarks(marksToClear, in: pendingLog) }
        metrics.eventsPublished.increment(by: batch.count)
        metrics.eventBufferDepth.decrement(by: Double(batch.count))
        return true
    }

    private func flushAtShutdown() async {
        let deadline = ContinuousClock.now + flushTimeout
        while pendingCount > 0, ContinuousClock.now < deadline {
            if !(await publishBatch()) { try? await Task.sleep(for: .milliseconds(100)) }
        }
        let left = pendingCount
        if left > 0 {
            logger.error("stopping with message events RabbitMQ never confirmed; their notifications will be missing", metadata: [
                "events": "\(left)", "queue": "\(queueName)",
            ])
        }
    }

    /// The Go service's event JSON (plus RoomName and SenderName).
    static func encode(_ event: MessageEvent) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(event))) ?? []
    }
}
