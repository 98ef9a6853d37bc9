import AMQPKit
import ChatCore
import Logging
import ServiceLifecycle

/// How message events travel from the chat service to the notification service in one
/// process: through RabbitMQ, through an in-process queue (`serve all` without
/// RabbitMQ), or nowhere (a lone chat service without RabbitMQ: `DiscardingEventQueue`
/// says so once).
///
/// Provides the `MessageEventQueue` the chat service publishes to, the services to run
/// beside the servers (the RabbitMQ publisher), the consumer service the notification
/// service reads from, health checks and `close()`.
public struct EventQueueBackend: ClosableBackend {
    /// Which way events go (the caller decides from the configuration and the roles).
    public enum Route: Sendable {
        /// Through RabbitMQ.
        case rabbitMQ(RabbitMQEventOptions)
        /// Through a queue in this process, which runs both services; it holds up to
        /// `capacity` events.
        case inProcess(capacity: Int)
        /// Nowhere: nothing in reach would consume them.
        case discard
    }

    /// What the chat service publishes to.
    public let events: any MessageEventQueue
    /// What must run beside the servers (the RabbitMQ publisher, with `publishes`).
    public let services: [any Service]
    /// Where, for logs: `in-process`, `none`, or the broker (password redacted) and queue.
    public let description: String
    /// Where the notification service reads from, if this process runs it.
    private let source: Source?
    /// The RabbitMQ client (publisher, dead letters, readiness).
    private let client: AMQPClient?

    private enum Source: Sendable {
        /// `declared`: told how the consumer's declares went.
        case rabbitMQ(endpoint: AMQPEndpoint, queue: AMQPQueue, deadLetterQueue: String, client: AMQPClient, declared: AMQPDeclareObserver?)
        case inProcess(InProcessEventQueue)
    }

    private init(events: any MessageEventQueue, services: [any Service], description: String, source: Source?, client: AMQPClient?) {
        self.events = events
        self.services = services
        self.description = description
        self.source = source
        self.client = client
    }

    /// Events go through RabbitMQ: a chat node then also relays the pending events a
    /// node left behind (`RelayPendingEvents`).
    public var usesBroker: Bool { client != nil }

    /// What `/readyz` probes: RabbitMQ when configured.
    public var healthChecks: [HealthCheck] {
        guard let client else { return [] }
        return [HealthCheck(name: "rabbitmq") { try await client.ping() }]
    }

    public func close() async { client?.close() }

    /// Opens the event path `route` names.
    ///
    /// - Parameters:
    ///   - publishes: this process runs the chat service (RabbitMQ: a publisher runs).
    ///   - consumes: this process runs the notification service (`consumer(…)` gives one).
    ///   - pendingLog: where posts record events RabbitMQ has not confirmed (the store);
    ///     the publisher clears those marks once it has.
    /// - Throws: `BackendError` (`.invalidAddress`) when the RabbitMQ URL does not
    ///   parse; nothing is opened then. The broker is reached later, by the services.
    public static func open(
        _ route: Route, publishes: Bool, consumes: Bool, pendingLog: any PendingEventLog, logger: Logger, metrics: ChatMetrics
    ) throws(BackendError) -> EventQueueBackend {
        switch route {
        case .inProcess(let capacity):
            let queue = InProcessEventQueue(capacity: capacity, logger: logger)
            return EventQueueBackend(events: queue, services: [], description: "in-process", source: .inProcess(queue), client: nil)
        case .discard:
            return EventQueueBackend(events: DiscardingEventQueue(logger: logger), services: [], description: "none", source: nil, client: nil)
        case .rabbitMQ(let options):
            let endpoint = try options.address.endpoint()
            // The event queue as configured; the dead-letter queue is chatctl's own,
            // always durable. Both are declared on every (re)connect of the client and
            // of the consumer, which report each declare to `onDeclare`.
            let queue = options.queue.amqp
            let deadLetterQueue = queue.name + ".dead"
            let declared: AMQPDeclareObserver? = options.onDeclare.map { QueueDeclareOutcome.amqpObserver($0) }
            let client = AMQPClient(endpoint: endpoint, options: .init(declareOnConnect: [queue, AMQPQueue(name: deadLetterQueue)], onDeclare: declared))
            var events: any MessageEventQueue = DiscardingEventQueue(logger: logger)
            var services: [any Service] = []
            if publishes {
                let publisher = RabbitMQEventQueue(
                    client: client, queue: queue.name, capacity: options.bufferEvents, flushTimeout: options.flushTimeout,
                    pendingLog: pendingLog, logger: logger, metrics: metrics)
                events = publisher
                services = [publisher]
            }
            let source: Source? =
                consumes ? .rabbitMQ(endpoint: endpoint, queue: queue, deadLetterQueue: deadLetterQueue, client: client, declared: declared) : nil
            return EventQueueBackend(events: events, services: services, description: "\(endpoint) queue \(queue.name)", source: source, client: client)
        }
    }

    /// The consumer service feeding `handler`, if this process runs the notification
    /// service (nil on the `discard` route, or without `consumes`).
    public func consumer(logger: Logger, metrics: ChatMetrics, handler: @escaping MessageEventHandler) -> (any Service)? {
        switch source {
        case .rabbitMQ(let endpoint, let queue, let deadLetterQueue, let client, let declared):
            RabbitMQEventConsumer(
                endpoint: endpoint, queue: queue, deadLetterQueue: deadLetterQueue, client: client, logger: logger, metrics: metrics,
                onDeclare: declared, handler: handler)
        case .inProcess(let queue):
            InProcessEventConsumer(queue: queue, logger: logger, metrics: metrics, handler: handler)
        case nil:
            nil
        }
    }
}
