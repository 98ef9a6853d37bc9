import ChatBackends
import Foundation

/// The queue commands' view of RabbitMQ: chatctl's queues with their counts and
/// durability, a peek that loses nothing, purge, and the move of the event queue to a
/// durable one (`QueueAdmin+Migration.swift`) — over ChatBackends' `RabbitMQQueues`, the
/// same client the services use.
public struct QueueAdmin: Sendable {
    let queues: RabbitMQQueues
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
        queues = try BackendWiring.openQueues(settings)
        self.settings = settings
    }

    public func close() { queues.close() }

    /// Where (credentials redacted).
    public var endpoint: String { queues.endpoint }

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
        let found: QueueState?
        do throws(BackendError) {
            found = try await queues.inspect(QueueDeclaration(name: name, durable: durability.preferred, acceptsOtherDurability: true))
        } catch {
            throw RuntimeError(error.reason)
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
        do throws(BackendError) {
            return try await queues.peek(name, limit: limit).enumerated().map { index, message in
                PeekedMessage(
                    position: index + 1, messageID: message.messageID, redelivered: message.redelivered, headers: message.headers,
                    bytes: message.body.count, body: String(decoding: message.body, as: UTF8.self))
            }
        } catch {
            throw RuntimeError(error.reason)
        }
    }

    public func purge(_ name: String) async throws -> Int {
        guard try await counts(of: name) != nil else { throw RuntimeError("queue '\(name)' does not exist on the broker") }
        do throws(BackendError) {
            return try await queues.purge(name)
        } catch {
            throw RuntimeError(error.reason)
        }
    }

    /// A passive declare's counts; nil when the queue does not exist.
    func counts(of name: String) async throws -> QueueState? {
        do throws(BackendError) {
            return try await queues.counts(of: name)
        } catch {
            throw RuntimeError(error.reason)
        }
    }
}
