import AMQPKit
import Foundation

/// The queue commands' view of RabbitMQ: chatctl's queues with their counts and
/// durability, a peek that loses nothing, purge, and the move of the event queue to a
/// durable one (`QueueAdmin+Migration.swift`) — over the same AMQPKit client the services use.
public struct QueueAdmin: Sendable {
    let client: AMQPClient
    let settings: Settings

    /// One queue as `queues list` and `doctor` show it.
    public struct Status: Sendable, Encodable {
        public var name: String
        public var exists: Bool
        /// How the queue is declared (nil: it does not exist).
        public var durable: Bool?
        /// What the services need: `durable`, `non-durable`, or `either`
        /// (`rabbitmq.queue_durable` = auto, for the event queue).
        public var wanted: String
        public var ready: Int?
        public var consumers: Int?
        /// Why the services cannot declare the queue as it exists, and what to do.
        public var problem: String?
    }

    /// A message as `queues peek` shows it.
    public struct PeekedMessage: Sendable, Encodable {
        public var position: Int
        public var messageID: String?
        public var redelivered: Bool
        public var headers: [String: String]
        public var bytes: Int
        public var body: String
    }

    /// The broker from `rabbitmq.url`, or a `RuntimeError` saying how to set it.
    public init(settings: Settings) throws {
        guard let url = settings.rabbitMQURL else {
            throw RuntimeError("no RabbitMQ configured: set rabbitmq.url (RABBITMQ_URL or --rabbitmq-url)")
        }
        do {
            let endpoint = try AMQPEndpoint(parsing: url, username: settings.string(.rabbitMQUsername), password: settings.string(.rabbitMQPassword))
            client = AMQPClient(endpoint: endpoint)
        } catch {
            throw RuntimeError("\(SettingKey.rabbitMQURL.key): \(error)")
        }
        self.settings = settings
    }

    public func close() { client.close() }

    /// Where (credentials redacted).
    public var endpoint: AMQPEndpoint { client.endpoint }

    /// chatctl's queues: the event queue and its dead-letter queue.
    public var queueNames: [String] { [settings.rabbitMQQueue, settings.rabbitMQQueue + ".dead"] }

    /// Counts, durability, and whether the services can declare the queue as it is.
    ///
    /// Creates nothing: a passive declare finds the counts, then a declare with the
    /// services' arguments — first the durability they prefer, then the other (a 406
    /// names the mismatch; RabbitMQ logs it as a channel error) — finds the durability,
    /// which a passive declare does not report, and changes nothing on an existing queue.
    public func status(of name: String) async throws -> Status {
        let isEventQueue = name == settings.rabbitMQQueue
        let isDeadLetterQueue = name == settings.rabbitMQQueue + ".dead"
        // Another queue (`queues purge` takes any name) needs nothing in particular.
        let durability: QueueDurability = isEventQueue ? settings.rabbitMQQueueDurability : (isDeadLetterQueue ? .required(durable: true) : .auto)
        let found: AMQPQueueStatus?
        do {
            found = try await client.inspect(AMQPQueue(name: name, durable: durability.preferred, acceptsOtherDurability: true))
        } catch {
            throw RuntimeError(error.message)
        }
        guard let found else { return Status(name: name, exists: false, wanted: durability.wanted) }
        var status = Status(
            name: name, exists: true, durable: found.durable, wanted: durability.wanted, ready: found.messages, consumers: found.consumers)
        if let durable = found.durable {
            if isEventQueue {
                status.problem = durability.mismatch(queue: name, durable: durable, origin: settings.origin(of: .rabbitMQQueueDurable))
            } else if isDeadLetterQueue, !durable {
                status.problem = """
                    queue \(name) is non-durable, but chatctl declares its dead-letter queue durable: the services cannot declare it; \
                    move its messages elsewhere and delete it (rabbitmqctl delete_queue \(name))
                    """
            }
        }
        return status
    }

    public func peek(_ name: String, limit: Int) async throws -> [PeekedMessage] {
        guard try await counts(of: name) != nil else { throw RuntimeError("queue '\(name)' does not exist on the broker") }
        do {
            return try await client.peek(name, limit: limit).enumerated().map { index, delivery in
                PeekedMessage(
                    position: index + 1, messageID: delivery.messageID, redelivered: delivery.redelivered, headers: delivery.headers,
                    bytes: delivery.body.count, body: String(decoding: delivery.body, as: UTF8.self))
            }
        } catch {
            throw RuntimeError(error.message)
        }
    }

    public func purge(_ name: String) async throws -> Int {
        guard try await counts(of: name) != nil else { throw RuntimeError("queue '\(name)' does not exist on the broker") }
        do {
            return try await client.purge(name)
        } catch {
            throw RuntimeError(error.message)
        }
    }

    /// A passive declare's counts; nil when the queue does not exist.
    func counts(of name: String) async throws -> AMQPQueueStatus? {
        do {
            return try await client.status(of: name)
        } catch let error where error.kind == .closedByBroker(code: 404) {
            return nil
        } catch {
            throw RuntimeError(error.message)
        }
    }
}
