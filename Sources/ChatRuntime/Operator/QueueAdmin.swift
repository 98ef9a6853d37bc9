import AMQPKit
import Foundation

/// The queue commands' view of RabbitMQ: chatctl's queues, their counts, a peek that
/// loses nothing, and purge — over the same AMQPKit client the services use.
public struct QueueAdmin: Sendable {
    let client: AMQPClient
    let settings: Settings

    /// One queue's counts (nil: it does not exist on the broker).
    public struct Status: Sendable, Encodable {
        public var name: String
        public var exists: Bool
        public var ready: Int?
        public var consumers: Int?
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

    /// chatctl's queues: the event queue and its dead-letter queue.
    public var queueNames: [String] { [settings.rabbitMQQueue, settings.rabbitMQQueue + ".dead"] }

    public func status(of name: String) async throws -> Status {
        do {
            let status = try await client.status(of: name, durable: durable(name))
            return Status(name: name, exists: true, ready: status.messages, consumers: status.consumers)
        } catch let error where error.kind == .closedByBroker(code: 404) {
            return Status(name: name, exists: false)
        } catch {
            throw RuntimeError(error.message)
        }
    }

    public func peek(_ name: String, limit: Int) async throws -> [PeekedMessage] {
        guard try await status(of: name).exists else { throw RuntimeError("queue '\(name)' does not exist on the broker") }
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
        guard try await status(of: name).exists else { throw RuntimeError("queue '\(name)' does not exist on the broker") }
        do {
            return try await client.purge(name)
        } catch {
            throw RuntimeError(error.message)
        }
    }

    private func durable(_ name: String) -> Bool { name == settings.rabbitMQQueue ? settings.rabbitMQQueueDurability.preferred : true }
}
