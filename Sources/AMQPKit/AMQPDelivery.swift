/// A message taken from a queue (by a consumer or `basic.get`), not yet settled.
public struct AMQPDelivery: Sendable {
    /// Settles it on the connection that received it (consumers: see `AMQPConsumer.ack`).
    public let deliveryTag: UInt64
    /// The connection it arrived on; a settlement after a reconnect is dropped (the broker
    /// redelivers the message instead).
    public let connectionGeneration: Int
    public let redelivered: Bool
    public let exchange: String
    public let routingKey: String
    public let body: [UInt8]
    public let messageID: String?
    public let contentType: String?
    /// String-valued headers (others are left out).
    public let headers: [String: String]
}

/// A message to publish.
public struct AMQPMessage: Sendable {
    public var body: [UInt8]
    public var persistent: Bool
    public var contentType: String?
    public var messageID: String?
    public var headers: [String: String]

    public init(body: [UInt8], persistent: Bool = true, contentType: String? = "application/json", messageID: String? = nil, headers: [String: String] = [:]) {
        self.body = body
        self.persistent = persistent
        self.contentType = contentType
        self.messageID = messageID
        self.headers = headers
    }
}

/// A queue as this client declares it (the default exchange routes by its name).
public struct AMQPQueue: Sendable, Hashable {
    public var name: String
    /// Must match how the queue already exists (the broker refuses a mismatch with 406),
    /// unless `acceptsOtherDurability`.
    public var durable: Bool
    /// Use an existing queue whatever its durability: when the broker refuses `durable`
    /// (406: the queue exists with the other), declare it again with the other on a
    /// fresh channel (the 406 closed the first). A new queue is still created `durable`.
    /// A passive declare cannot tell durability; this is how a declare finds it out.
    public var acceptsOtherDurability: Bool

    public init(name: String, durable: Bool = true, acceptsOtherDurability: Bool = false) {
        self.name = name
        self.durable = durable
        self.acceptsOtherDurability = acceptsOtherDurability
    }
}

/// Counts from a (passive) queue declare.
public struct AMQPQueueStatus: Sendable, Equatable {
    public let messages: Int
    public let consumers: Int
    /// How the queue is declared: known after a non-passive declare (the one that
    /// succeeded), nil after a passive one.
    public let durable: Bool?

    public init(messages: Int, consumers: Int, durable: Bool? = nil) {
        self.messages = messages
        self.consumers = consumers
        self.durable = durable
    }
}

/// Told how each declare of a queue on (re)connect went — `AMQPClient.Options.onDeclare`,
/// `AMQPConsumer(onDeclare:)` — so the caller can log which durability is in use, or why
/// the broker refused. Called on the client's or consumer's thread: keep it short.
public typealias AMQPDeclareObserver = @Sendable (_ queue: AMQPQueue, _ outcome: Result<AMQPQueueStatus, AMQPError>) -> Void
