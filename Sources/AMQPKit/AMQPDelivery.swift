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
    /// Must match how the queue already exists (the broker refuses a mismatch with 406).
    public var durable: Bool

    public init(name: String, durable: Bool = true) {
        self.name = name
        self.durable = durable
    }
}

/// Counts from a (passive) queue declare.
public struct AMQPQueueStatus: Sendable, Equatable {
    public let messages: Int
    public let consumers: Int

    public init(messages: Int, consumers: Int) {
        self.messages = messages
        self.consumers = consumers
    }
}
