import AMQPKit

/// A queue's counts, and its durability when a declare found it out.
public struct QueueState: Sendable, Equatable {
    /// Ready messages.
    public let messages: Int
    public let consumers: Int
    /// How the queue is declared: known after a (non-passive) declare, nil after a
    /// passive one (which does not report it).
    public let durable: Bool?

    init(_ status: AMQPQueueStatus) {
        messages = status.messages
        consumers = status.consumers
        durable = status.durable
    }
}
