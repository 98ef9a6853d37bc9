import AMQPKit

/// A queue as chatctl declares it (the default exchange routes to it by name).
///
/// RabbitMQ fixes a queue's durability when it creates it and refuses (406) a declare
/// asking for the other, so a declaration says which durability it asks for and
/// whether an existing queue of the other is taken as it is.
public struct QueueDeclaration: Sendable, Hashable {
    public var name: String
    /// The durability asked for (and given to a queue this declare creates).
    public var durable: Bool
    /// On a 406, declare again with the other durability (on a fresh channel): use the
    /// queue as it exists.
    public var acceptsOtherDurability: Bool

    public init(name: String, durable: Bool = true, acceptsOtherDurability: Bool = false) {
        self.name = name
        self.durable = durable
        self.acceptsOtherDurability = acceptsOtherDurability
    }

    init(_ queue: AMQPQueue) {
        self.init(name: queue.name, durable: queue.durable, acceptsOtherDurability: queue.acceptsOtherDurability)
    }

    /// The same declaration in AMQPKit's terms.
    var amqp: AMQPQueue { AMQPQueue(name: name, durable: durable, acceptsOtherDurability: acceptsOtherDurability) }
}
