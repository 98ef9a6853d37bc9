import AMQPKit
import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Testing

@Suite("event confirmation before broadcast", .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
struct EventConfirmationTests {
    func event(_ content: String) -> MessageEvent {
        MessageEvent(message: Message(roomID: ObjectID(), roomName: "r", senderID: ObjectID(), senderName: "s", content: content))
    }

    /// Runs the queue's publishing service around `body`.
    func withQueue(url: String, _ body: @Sendable (RabbitMQEventQueue) async throws -> Void) async throws {
        let queueName = "confirm-test-\(UUID().uuidString.prefix(8))"
        // Declared as the services declare it: publishes are mandatory, so a publish to a
        // queue that does not exist is refused (unroutable), not confirmed and dropped.
        let client = AMQPClient(
            endpoint: try AMQPEndpoint(parsing: url),
            options: .init(heartbeat: 10, connectTimeout: .milliseconds(300), declareOnConnect: [AMQPQueue(name: queueName)]))
        var logger = Logger(label: "confirm-test")
        logger.logLevel = .critical
        let queue = RabbitMQEventQueue(client: client, queue: queueName, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await queue.run() }
            try await body(queue)
            group.cancelAll()
        }
        client.close()
    }

    @Test("with the broker up, publishConfirmed returns once RabbitMQ confirmed the event, and it is in the queue")
    func confirmed() async throws {
        let broker = try await RabbitMQTestServer.shared()
        try await withQueue(url: broker.url) { queue in
            for index in 0..<20 {
                #expect(await queue.publishConfirmed(event("e\(index)"), within: .seconds(Patience.seconds)))
            }
            #expect(queue.pendingCount == 0)
        }
    }

    @Test("an event the broker returns as unroutable is not confirmed: publishConfirmed says false and the event stays buffered")
    func unroutableIsNotConfirmed() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let client = AMQPClient(endpoint: try AMQPEndpoint(parsing: broker.url), options: .init(heartbeat: 10, connectTimeout: .milliseconds(300)))
        defer { client.close() }
        var logger = Logger(label: "confirm-test")
        logger.logLevel = .critical
        // No queue by this name, and nothing declares one.
        let queue = RabbitMQEventQueue(
            client: client, queue: "confirm-missing-\(UUID().uuidString.prefix(8))", flushTimeout: .milliseconds(200), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await queue.run() }
            #expect(await queue.publishConfirmed(event("nowhere"), within: .seconds(2)) == false)
            #expect(queue.pendingCount == 1)
            group.cancelAll()
        }
    }

    @Test("with the broker unreachable, publishConfirmed gives up after its bound, then answers at once while the outage lasts; events stay buffered")
    func unreachable() async throws {
        let port = try RedisTestServer.freePort()
        try await withQueue(url: "amqp://guest:guest@127.0.0.1:\(port)/") { queue in
            #expect(!queue.isBrokerAway)
            #expect(await queue.publishConfirmed(event("first"), within: .milliseconds(300)) == false)
            // Bounded wait for the first failed publish to mark the outage.
            _ = try await waitUntil { queue.isBrokerAway }
            #expect(queue.isBrokerAway, "a failed publish marks the outage, so posts stop waiting")
            #expect(await queue.publishConfirmed(event("second"), within: .seconds(5)) == false)
            #expect(queue.pendingCount == 2, "both events stay buffered for later")
        }
    }

    @Test("an event the buffer already holds (a relay pass, a resend during an outage) is not buffered again")
    func heldOnce() async throws {
        let port = try RedisTestServer.freePort()
        try await withQueue(url: "amqp://guest:guest@127.0.0.1:\(port)/") { queue in
            let event = event("once")
            for _ in 0..<5 {
                #expect(await queue.publishConfirmed(event, within: .milliseconds(100)) == false)
                await queue.publish(event)
            }
            #expect(queue.pendingCount == 1, "one copy waits for the broker")
            await queue.publish(self.event("another"))
            #expect(queue.pendingCount == 2)
        }
    }
}
