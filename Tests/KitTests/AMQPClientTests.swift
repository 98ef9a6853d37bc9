import ChatClient
import AMQPKit
import ChatTestSupport
import Foundation
import Synchronization
import Testing

@Suite("AMQPKit against a real rabbitmq-server", .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
struct AMQPClientTests {
    static func queueName() -> String { "test-\(UUID().uuidString.prefix(8))" }

    static func client(_ server: RabbitMQTestServer) throws -> AMQPClient {
        AMQPClient(endpoint: try AMQPEndpoint(parsing: server.url), options: .init(heartbeat: 10, connectTimeout: .milliseconds(500)))
    }

    /// Pumps a consumer's events into a queue the test can wait on with a deadline.
    static func pump(_ consumer: AMQPConsumer) -> TimedQueue<AMQPConsumer.Event> {
        let queue = TimedQueue<AMQPConsumer.Event>()
        Task {
            for await event in consumer { await queue.push(event) }
            await queue.finish()
        }
        return queue
    }

    static func nextDelivery(_ queue: TimedQueue<AMQPConsumer.Event>) async throws -> AMQPDelivery {
        while true {
            switch await queue.next(timeout: .seconds(Patience.seconds)) {
            case .item(.delivery(let delivery)): return delivery
            case .item: continue
            case .closed: throw AMQPError(.closed, "consumer ended")
            case .timedOut: throw AMQPError(.timeout, "no delivery within \(Patience.seconds) s")
            }
        }
    }

    static func waitFor(_ wanted: (AMQPConsumer.Event) -> Bool, in queue: TimedQueue<AMQPConsumer.Event>) async throws {
        while true {
            switch await queue.next(timeout: .seconds(Patience.seconds)) {
            case .item(let event) where wanted(event): return
            case .item: continue
            case .closed: throw AMQPError(.closed, "consumer ended")
            case .timedOut: throw AMQPError(.timeout, "event not seen within \(Patience.seconds) s")
            }
        }
    }

    @Test("publish with confirms, then consume in order with properties and ack; the queue ends empty")
    func publishConsumeAck() async throws {
        let server = try await RabbitMQTestServer.shared()
        let client = try Self.client(server)
        let queue = AMQPQueue(name: Self.queueName())
        _ = try await client.declare(queue)
        let messages = (0..<3).map {
            AMQPMessage(body: Array("m\($0)".utf8), messageID: "id-\($0)", headers: ["reason": "test \($0)"])
        }
        try await client.publish(messages, to: queue.name)
        #expect(try await client.status(of: queue.name).messages == 3)

        let consumer = AMQPConsumer(endpoint: client.endpoint, queue: queue, prefetch: 10)
        let events = Self.pump(consumer)
        for index in 0..<3 {
            let delivery = try await Self.nextDelivery(events)
            #expect(delivery.body == Array("m\(index)".utf8))
            #expect(delivery.messageID == "id-\(index)")
            #expect(delivery.headers["reason"] == "test \(index)")
            #expect(delivery.contentType == "application/json")
            #expect(!delivery.redelivered)
            consumer.ack(delivery)
        }
        let empty = try await waitUntil {
            let status = try await client.status(of: queue.name)
            return status.messages == 0 && status.consumers == 1
        }
        #expect(empty, "acked messages leave the queue")
        consumer.stop()
        client.close()
    }

    @Test("passive declare reports counts; a missing queue is a 404 and the client keeps working")
    func passiveDeclare() async throws {
        let server = try await RabbitMQTestServer.shared()
        let client = try Self.client(server)
        let name = Self.queueName()
        _ = try await client.declare(AMQPQueue(name: name))
        try await client.publish((0..<5).map { AMQPMessage(body: [UInt8($0)]) }, to: name)
        #expect(try await client.status(of: name) == AMQPQueueStatus(messages: 5, consumers: 0))
        let missing = await #expect(throws: AMQPError.self) { try await client.status(of: "no-such-\(name)") }
        #expect(missing?.kind == .closedByBroker(code: 404))
        #expect(try await client.status(of: name).messages == 5)
        client.close()
    }

    @Test("peek returns the head of the queue and loses nothing; take removes one; purge empties")
    func peekTakePurge() async throws {
        let server = try await RabbitMQTestServer.shared()
        let client = try Self.client(server)
        let name = Self.queueName()
        _ = try await client.declare(AMQPQueue(name: name))
        try await client.publish((0..<4).map { AMQPMessage(body: Array("p\($0)".utf8)) }, to: name)
        let peeked = try await client.peek(name, limit: 2)
        #expect(peeked.map { String(decoding: $0.body, as: UTF8.self) } == ["p0", "p1"])
        // The requeue is asynchronous on the broker: the count comes back within moments.
        let back = try await waitUntil(every: .milliseconds(20)) { try await client.status(of: name).messages == 4 }
        #expect(back, "peeked messages are back in the queue")
        let again = try await client.peek(name, limit: 10)
        #expect(again.map { String(decoding: $0.body, as: UTF8.self) } == ["p0", "p1", "p2", "p3"], "order kept after a peek")
        let taken = try await client.take(name)
        #expect(taken.map { String(decoding: $0.body, as: UTF8.self) } == "p0")
        #expect(try await client.purge(name) == 3)
        #expect(try await client.status(of: name).messages == 0)
        #expect(try await client.take(name) == nil)
        client.close()
    }

    @Test("a delivery not acked before the consumer stops comes back, marked redelivered")
    func unackedIsRedelivered() async throws {
        let server = try await RabbitMQTestServer.shared()
        let client = try Self.client(server)
        let queue = AMQPQueue(name: Self.queueName())
        _ = try await client.declare(queue)
        try await client.publish([AMQPMessage(body: Array("once".utf8))], to: queue.name)
        let first = AMQPConsumer(endpoint: client.endpoint, queue: queue)
        let firstEvents = Self.pump(first)
        #expect(try await Self.nextDelivery(firstEvents).redelivered == false)
        first.stop()
        let second = AMQPConsumer(endpoint: client.endpoint, queue: queue)
        let secondEvents = Self.pump(second)
        let again = try await Self.nextDelivery(secondEvents)
        #expect(again.body == Array("once".utf8))
        #expect(again.redelivered)
        second.ack(again)
        second.stop()
        client.close()
    }

    @Test("a wrong password is refused clearly and never printed")
    func wrongPassword() async throws {
        let server = try await RabbitMQTestServer.shared()
        let client = AMQPClient(endpoint: try AMQPEndpoint(parsing: "amqp://guest:not-the-password@127.0.0.1:\(server.port)/"))
        let error = await #expect(throws: AMQPError.self) { try await client.ping() }
        #expect(error?.kind == .accessRefused)
        #expect(error.map { !$0.message.contains("not-the-password") } == true)
        client.close()
    }

    @Test("`rabbitmqctl stop_app; start_app`: calls fail fast while it is down; client and consumer recover by themselves")
    func reconnect() async throws {
        let server = try await RabbitMQTestServer()
        defer { server.stop() }
        let client = try Self.client(server)
        let queue = AMQPQueue(name: Self.queueName())
        _ = try await client.declare(queue)
        let consumer = AMQPConsumer(endpoint: client.endpoint, queue: queue, heartbeat: 5)
        let events = Self.pump(consumer)
        try await Self.waitFor({ if case .connected = $0 { true } else { false } }, in: events)

        try await server.stopApp()
        let down = await #expect(throws: AMQPError.self) { try await client.publish([AMQPMessage(body: [1])], to: queue.name) }
        #expect(down?.kind == .unavailable)
        try await Self.waitFor({ if case .disconnected = $0 { true } else { false } }, in: events)

        try await server.startApp()
        let published = try await waitUntil(every: .milliseconds(100)) {
            (try? await client.publish([AMQPMessage(body: Array("after".utf8))], to: queue.name)) != nil
        }
        #expect(published)
        let delivery = try await Self.nextDelivery(events)
        #expect(delivery.body == Array("after".utf8))
        consumer.ack(delivery)
        consumer.stop()
        client.close()
    }

    /// What an `AMQPDeclareObserver` was told, in order.
    final class Declares: Sendable {
        let seen = Mutex<[Result<AMQPQueueStatus, AMQPError>]>([])
        var observer: AMQPDeclareObserver { { [self] _, outcome in seen.withLock { $0.append(outcome) } } }
        var durabilities: [Bool?] { seen.withLock { outcomes in outcomes.map { outcome in (try? outcome.get())?.durable } } }
    }

    @Test("a queue the Go services declared non-durable: a strict durable declare gets 406; one that accepts the other durability uses it on a fresh channel, publishes there with confirms, and consumes")
    func otherDurabilityFallback() async throws {
        let server = try await RabbitMQTestServer.shared()
        let name = Self.queueName()
        // As the Go services declare it: durable false (not exclusive, not auto-delete).
        let goSide = try Self.client(server)
        defer { goSide.close() }
        #expect(try await goSide.declare(AMQPQueue(name: name, durable: false)).durable == false)

        let strict = try Self.client(server)
        defer { strict.close() }
        let refused = await #expect(throws: AMQPError.self) { try await strict.declare(AMQPQueue(name: name, durable: true)) }
        #expect(refused?.kind == .closedByBroker(code: 406))
        #expect(refused?.message.contains("durable") == true, "\(refused?.message ?? "")")
        #expect(try await strict.status(of: name).messages == 0, "the client goes on after the refusal")

        let declares = Declares()
        let auto = AMQPQueue(name: name, durable: true, acceptsOtherDurability: true)
        let client = AMQPClient(
            endpoint: try AMQPEndpoint(parsing: server.url),
            options: .init(heartbeat: 10, connectTimeout: .milliseconds(500), declareOnConnect: [auto], onDeclare: declares.observer))
        defer { client.close() }
        try await client.publish((0..<3).map { AMQPMessage(body: Array("d\($0)".utf8), messageID: "d\($0)") }, to: name)
        #expect(declares.durabilities == [false], "declared once on connect, and found non-durable")
        #expect(try await client.declare(auto) == AMQPQueueStatus(messages: 3, consumers: 0, durable: false))
        // The fresh channel is in confirm mode too: more publishes are confirmed on it.
        try await client.publish([AMQPMessage(body: Array("d3".utf8), messageID: "d3")], to: name)
        #expect(try await client.inspect(auto)?.durable == false)

        let consumerDeclares = Declares()
        let consumer = AMQPConsumer(endpoint: client.endpoint, queue: auto, heartbeat: 10, onDeclare: consumerDeclares.observer)
        let events = Self.pump(consumer)
        for index in 0..<4 {
            let delivery = try await Self.nextDelivery(events)
            #expect(delivery.messageID == "d\(index)")
            consumer.ack(delivery)
        }
        consumer.stop()
        #expect(consumerDeclares.durabilities == [false])
        #expect(try await goSide.declare(AMQPQueue(name: name, durable: false)).durable == false, "still the Go services' queue")
    }

    @Test("publishes are mandatory: one no queue takes fails as unroutable; a declare-on-connect queue deleted under a live connection is declared again and gets only what came back")
    func mandatoryPublish() async throws {
        let server = try await RabbitMQTestServer.shared()
        let name = Self.queueName()
        let other = try Self.client(server)
        defer { other.close() }
        let declares = Declares()
        let auto = AMQPQueue(name: name, durable: true, acceptsOtherDurability: true)
        let client = AMQPClient(
            endpoint: try AMQPEndpoint(parsing: server.url),
            options: .init(heartbeat: 10, connectTimeout: .milliseconds(500), declareOnConnect: [auto], onDeclare: declares.observer))
        defer { client.close() }

        let nowhere = await #expect(throws: AMQPError.self) { try await client.publish([AMQPMessage(body: [1])], to: "no-such-\(name)") }
        #expect(nowhere?.kind == .unroutable, "silently dropped before: the default exchange confirms an unroutable message")

        try await client.publish([AMQPMessage(body: Array("before".utf8), messageID: "before")], to: name)
        #expect(try await other.delete(name) == 1, "deleted under the client's live connection")
        try await client.publish((0..<3).map { AMQPMessage(body: Array("after \($0)".utf8), messageID: "after-\($0)") }, to: name)
        let status = try #require(try await other.inspect(AMQPQueue(name: name, durable: true)))
        #expect(status.durable == true, "declared again as on connect: durable")
        #expect(status.messages == 3, "each returned message published again, once")
        #expect(try await other.peek(name, limit: 10).compactMap(\.messageID) == ["after-0", "after-1", "after-2"])
        #expect(declares.durabilities == [true, true], "the connect's declare and the one after the return")
    }

    @Test("inspect reads counts and durability and creates nothing; move loses nothing and keeps order; delete refuses a queue in use or not empty")
    func inspectMoveDelete() async throws {
        let server = try await RabbitMQTestServer.shared()
        let client = try Self.client(server)
        defer { client.close() }
        let source = Self.queueName()
        let destination = source + ".migrating"
        let probe = AMQPQueue(name: source, durable: true, acceptsOtherDurability: true)
        #expect(try await client.inspect(probe) == nil)
        let missing = await #expect(throws: AMQPError.self) { try await client.status(of: source) }
        #expect(missing?.kind == .closedByBroker(code: 404), "inspecting a missing queue does not create it")

        _ = try await client.declare(AMQPQueue(name: source, durable: false))
        _ = try await client.declare(AMQPQueue(name: destination, durable: true))
        try await client.publish((0..<250).map { AMQPMessage(body: Array("m\($0)".utf8), persistent: false, contentType: nil, messageID: "m\($0)") }, to: source)
        #expect(try await client.inspect(probe) == AMQPQueueStatus(messages: 250, consumers: 0, durable: false))

        let consumer = AMQPConsumer(endpoint: client.endpoint, queue: AMQPQueue(name: source, durable: false), prefetch: 1, heartbeat: 10)
        let events = Self.pump(consumer)
        _ = try await Self.nextDelivery(events)  // held, unacked, while the delete is tried
        let inUse = await #expect(throws: AMQPError.self) { try await client.delete(source, ifUnused: true, ifEmpty: true) }
        #expect(inUse?.kind == .closedByBroker(code: 406))
        consumer.stop()
        var back = false
        for _ in 0..<100 where !back {
            back = try await client.status(of: source) == AMQPQueueStatus(messages: 250, consumers: 0)
            if !back { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(back, "the consumer's unacked delivery is back")
        let notEmpty = await #expect(throws: AMQPError.self) { try await client.delete(source, ifUnused: true, ifEmpty: true) }
        #expect(notEmpty?.kind == .closedByBroker(code: 406))

        var moved = 0
        while true {
            let batch = try await client.move(from: source, to: destination, limit: 100)
            if batch == 0 { break }
            moved += batch
        }
        #expect(moved == 250)
        #expect(try await client.delete(source, ifUnused: true, ifEmpty: true) == 0)
        let taken = try await client.peek(destination, limit: 300)
        #expect(taken.compactMap(\.messageID) == (0..<250).map { "m\($0)" }, "every message, once, in order")
        #expect(taken.allSatisfy { $0.contentType == nil })
        let bounced = await #expect(throws: AMQPError.self) { try await client.move(from: destination, to: source, limit: 10) }
        #expect(bounced?.kind == .unroutable)
        var returned = false
        for _ in 0..<100 where !returned {
            returned = try await client.status(of: destination).messages == 250
            if !returned { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(returned, "a failed move returns what it took")
        _ = try await client.delete(destination)
    }
}
