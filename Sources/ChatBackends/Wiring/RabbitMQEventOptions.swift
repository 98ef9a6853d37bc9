/// How the chat service publishes message events to RabbitMQ and the notification
/// service consumes them: plain values, mapped from the configuration by the caller.
public struct RabbitMQEventOptions: Sendable {
    public var address: RabbitMQAddress
    /// The event queue as the services declare it; its dead-letter queue is
    /// `<name>.dead`, chatctl's own, always durable.
    public var queue: QueueDeclaration
    /// Events the publisher holds while the broker is away (then new ones are dropped
    /// and counted).
    public var bufferEvents: Int
    /// How long the publisher tries to flush its buffer at shutdown.
    public var flushTimeout: Duration
    /// Told how every declare of both queues went, by the client and by the consumer.
    public var onDeclare: QueueDeclareObserver?

    public init(
        address: RabbitMQAddress, queue: QueueDeclaration, bufferEvents: Int, flushTimeout: Duration, onDeclare: QueueDeclareObserver? = nil
    ) {
        self.address = address
        self.queue = queue
        self.bufferEvents = bufferEvents
        self.flushTimeout = flushTimeout
        self.onDeclare = onDeclare
    }
}
