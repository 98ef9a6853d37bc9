import AMQPKit
import ChatBackends
import ChatCore
import Logging
import ServiceLifecycle

/// How message events travel from the chat service to the notification service in this
/// process: RabbitMQ when `rabbitmq.url` is set; in-process when one process runs both
/// (`serve all`); nowhere (logged once) for a lone chat service without RabbitMQ.
struct EventBackend {
    /// What the chat service publishes to.
    var events: any MessageEventQueue
    /// Runs beside the servers (the RabbitMQ publisher).
    var services: [any Service]
    /// Where the notification service reads from, if this process runs it.
    var source: Source?
    var client: AMQPClient?
    var description: String

    enum Source {
        /// `declared`: the durability log the consumer reports its declares to.
        case rabbitMQ(endpoint: AMQPEndpoint, queue: AMQPQueue, deadLetterQueue: String, client: AMQPClient, declared: AMQPDeclareObserver)
        case inProcess(InProcessEventQueue)
    }

    /// - Parameter pendingLog: where posts record events RabbitMQ has not confirmed (the
    ///   store); the publisher clears those marks once it has.
    static func connect(
        settings: Settings, roles: Set<ServiceRole>, pendingLog: any PendingEventLog, logger: Logger, metrics: ChatMetrics
    ) throws -> EventBackend {
        guard let url = settings.rabbitMQURL else {
            if roles.contains(.notify) && roles.contains(.chat) {
                let queue = InProcessEventQueue(capacity: settings.rabbitMQBufferEvents, logger: logger)
                return EventBackend(events: queue, services: [], source: .inProcess(queue), client: nil, description: "in-process")
            }
            if roles.contains(.notify) {
                throw RuntimeError("""
                    the notification service needs RabbitMQ to receive events from chat services in other processes: \
                    set rabbitmq.url (RABBITMQ_URL or --rabbitmq-url), or run chat and notify together with `chatctl serve all`
                    """)
            }
            return EventBackend(events: DiscardingEventQueue(logger: logger), services: [], source: nil, client: nil, description: "none")
        }
        let endpoint: AMQPEndpoint
        do {
            endpoint = try AMQPEndpoint(parsing: url, username: settings.string(.rabbitMQUsername), password: settings.string(.rabbitMQPassword))
        } catch {
            throw RuntimeError("\(SettingKey.rabbitMQURL.key): \(error)")
        }
        // The event queue as rabbitmq.queue_durable says (auto: as it exists); the
        // dead-letter queue is chatctl's own, always durable. Both are declared on every
        // (re)connect of the client and of the consumer, which say once which durability.
        let durability = settings.rabbitMQQueueDurability
        let queue = durability.queue(named: settings.rabbitMQQueue)
        let deadLetterQueue = queue.name + ".dead"
        let declared = QueueDurabilityLog(
            queueName: queue.name, durability: durability, origin: settings.origin(of: .rabbitMQQueueDurable), logger: logger
        ).observer
        let client = AMQPClient(endpoint: endpoint, options: .init(declareOnConnect: [queue, AMQPQueue(name: deadLetterQueue)], onDeclare: declared))
        var backend = EventBackend(
            events: DiscardingEventQueue(logger: logger), services: [], source: nil, client: client, description: "\(endpoint) queue \(queue.name)")
        if roles.contains(.chat) {
            let publisher = RabbitMQEventQueue(
                client: client, queue: queue.name, capacity: settings.rabbitMQBufferEvents, flushTimeout: settings.shutdownTimeout,
                pendingLog: pendingLog, logger: logger, metrics: metrics)
            backend.events = publisher
            backend.services = [publisher]
        }
        if roles.contains(.notify) {
            backend.source = .rabbitMQ(endpoint: endpoint, queue: queue, deadLetterQueue: deadLetterQueue, client: client, declared: declared)
        }
        return backend
    }

    /// The consumer service feeding `handler`, if this process runs the notification service.
    func consumer(logger: Logger, metrics: ChatMetrics, handler: @escaping MessageEventHandler) -> (any Service)? {
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
