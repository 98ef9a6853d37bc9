import AMQPKit
import ChatCore
import Foundation
import KitSupport
import Logging
import ServiceLifecycle


/// Consumes message events from RabbitMQ with manual acks: an event is acked only after
/// its handler succeeded (its notifications are stored), returned to the queue when the
/// handler failed (the store was down: retried after a pause), and moved to the
/// dead-letter queue — with the reason in header `x-chatctl-reason` — when it cannot be
/// decoded, so a poison event never loops and never stops the consumer.
public final class RabbitMQEventConsumer: Service {
    private let consumer: AMQPConsumer
    private let client: AMQPClient
    private let queue: AMQPQueue
    private let deadLetterQueue: String
    private let handler: MessageEventHandler
    private let logger: Logger
    private let metrics: ChatMetrics
    private let outage: OutageLog

    /// - Parameters:
    ///   - client: publishes to the dead-letter queue (declared on connect).
    ///   - onDeclare: told how each declare of `queue` went, on every (re)connect.
    public init(
        endpoint: AMQPEndpoint, queue: AMQPQueue, deadLetterQueue: String, client: AMQPClient, prefetch: Int = 50,
        logger: Logger, metrics: ChatMetrics = .disabled, onDeclare: AMQPDeclareObserver? = nil, handler: @escaping MessageEventHandler
    ) {
        self.consumer = AMQPConsumer(endpoint: endpoint, queue: queue, prefetch: prefetch, onDeclare: onDeclare)
        self.client = client
        self.queue = queue
        self.deadLetterQueue = deadLetterQueue
        self.handler = handler
        self.logger = logger
        self.metrics = metrics
        self.outage = OutageLog(what: "RabbitMQ consumer (\(endpoint))", logger: logger)
    }

    public func run() async throws {
        var failures = 0
        for await event in consumer.cancelOnGracefulShutdown() {
            switch event {
            case .connected:
                outage.recovered()
                logger.info("consuming message events", metadata: ["queue": "\(queue.name)"])
            case .disconnected(let why):
                outage.failed(AMQPError(.unavailable, why))
            case .delivery(let delivery):
                if await handle(delivery) {
                    failures = 0
                } else {
                    failures += 1
                    try? await Task.sleep(for: Backoff.delay(afterFailures: failures))
                }
            }
        }
        consumer.stop()
    }

    /// Settles one delivery; false when it was returned to the queue for a retry.
    private func handle(_ delivery: AMQPDelivery) async -> Bool {
        let event: MessageEvent
        do {
            event = try JSONDecoder().decode(MessageEvent.self, from: Data(delivery.body))
        } catch {
            return await deadLetter(delivery, reason: Self.describe(error))
        }
        do {
            try await handler(event, NotificationID.eventKey(for: event, rawBody: delivery.body))
        } catch {
            logger.error("message event not handled; returned to the queue", metadata: ["error": "\(error)", "event_id": "\(event.id)"])
            consumer.nack(delivery, requeue: true)
            return false
        }
        consumer.ack(delivery)
        metrics.eventsConsumed.increment()
        return true
    }

    private func deadLetter(_ delivery: AMQPDelivery, reason: String) async -> Bool {
        var headers = delivery.headers
        headers["x-chatctl-reason"] = reason
        headers["x-chatctl-source-queue"] = queue.name
        do {
            try await client.publish(
                [AMQPMessage(body: delivery.body, persistent: true, contentType: delivery.contentType, messageID: delivery.messageID, headers: headers)],
                to: deadLetterQueue)
        } catch {
            logger.error("could not move a malformed event to the dead-letter queue; returned to its queue", metadata: ["error": "\(error)"])
            consumer.nack(delivery, requeue: true)
            return false
        }
        consumer.ack(delivery)
        metrics.eventsDeadLettered.increment()
        logger.warning("malformed message event moved to the dead-letter queue", metadata: [
            "queue": "\(deadLetterQueue)", "reason": "\(reason)", "bytes": "\(delivery.body.count)",
        ])
        return true
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad field \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not JSON" : "bad field \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }
}
