import AMQPKit
import ChatCore
import ChatTestSupport
import Foundation
import MongoKit
import Testing

/// Each stored message reaches the queue once after an outage: the Go notification
/// service does not deduplicate, so every extra copy of an event is an extra
/// notification. A consumer that counts like the Go one (nothing deduplicated) checks it.
@Suite(
    "one event per message through a RabbitMQ outage",
    .enabled(if: MongoTestServer.shouldRun && RabbitMQTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason + "; " + RabbitMQTestServer.skipReason)))
struct OneEventPerMessageTests {
    /// Longer than a pending mark's takeover age plus a relay interval, so every relay
    /// pass that could copy an event has had its chance while the broker was away.
    static let outageLength: Duration = .seconds(Int64(PendingEventLease.takeoverAge) + 6)

    @Test("chatctl's access to RabbitMQ cut and restored: N posts give exactly N events; the event metrics say so")
    func accessCut() async throws {
        let broker = try await RabbitMQTestServer()
        defer { broker.stop() }
        let uri = try MongoTestServer.requireURI()
        let database = MongoTestServer.freshDatabase()
        let queue = "send_notification"
        let chat = try ChatctlProcess(["serve", "chat", "--host", "127.0.0.1", "--port", "0"], environment: [
            "SECRET_KEY": "one-event-secret-0123456789abcdef", "MONGO_URI": uri, "DATABASE_NAME": database, "RABBITMQ_URL": broker.url,
            "CHATCTL_MESSAGE_RATE_LIMIT": "0",
        ])
        defer { chat.stop() }
        do {
            try await Self.cutAndRestore(broker: broker, chat: chat, uri: uri, database: database, queue: queue)
        } catch {
            Issue.record("chat node stderr (running: \(chat.process.isRunning)):\n\(chat.stderr.suffix(4000))")
            throw error
        }
    }

    static func cutAndRestore(broker: RabbitMQTestServer, chat: ChatctlProcess, uri: String, database: String, queue: String) async throws {
        let base = "http://127.0.0.1:\(try await chat.waitForListeningPort())"
        let socket = try await RabbitMQEventTests.joinedSocket(base)
        let mongo = try MongoClient(uri: uri)
        let pendingMarks = mongo.collection("chatctl_pending_events", database: database)

        socket.send(#"{"type":"message","content":"before"}"#)
        var ids = [try await socket.nextObject("the echo of before")["id"] as? String ?? ""]
        let before = AMQPClient(endpoint: try AMQPEndpoint(parsing: broker.url))
        #expect(try await Self.waitForQueue(before, queue, atLeast: 1) == 1)
        before.close()

        // Cut: no permissions on the vhost, every connection closed; reconnects are refused.
        #expect(try await broker.control(["clear_permissions", "-p", "/", "guest"]) == 0)
        #expect(try await broker.control(["close_all_connections", "access cut by the test"]) == 0)
        let posts = 5
        for index in 0..<posts {
            socket.send(#"{"type":"message","content":"during \#(index)"}"#)
            ids.append(try await socket.nextObject("the echo of during \(index)")["id"] as? String ?? "")
        }
        try await Self.waitUntil("every post during the cut is marked pending") {
            try await pendingMarks.countDocuments() >= posts
        }
        try await Task.sleep(for: Self.outageLength)

        #expect(try await broker.control(["set_permissions", "-p", "/", "guest", ".*", ".*", ".*"]) == 0)
        try await Self.waitUntil("every mark cleared and the buffer empty") {
            // A failed poll (the node busy with the broker's return) is polled again.
            guard let metrics = try? await MetricsEndpointTests.metrics(base).1, let marks = try? await pendingMarks.countDocuments() else { return false }
            return marks == 0 && metrics.value("chatctl_event_buffer_depth") == 0
        }
        // A new client: the cut closed every connection, the test's own too.
        let client = AMQPClient(endpoint: try AMQPEndpoint(parsing: broker.url))
        defer { client.close() }
        let events = try await client.peek(queue, limit: 100)
        let eventIDs = try events.map { event in
            try #require(try JSONSerialization.jsonObject(with: Data(event.body)) as? [String: Any])["ID"] as? String ?? ""
        }
        #expect(eventIDs == ids, "each message once, in order: \(eventIDs.count) events for \(ids.count) messages")
        let metrics = try await MetricsEndpointTests.metrics(base).1
        #expect(metrics.value("chatctl_events_published_total") == Double(ids.count))
        #expect(metrics.value("chatctl_events_republished_total") == 0, "nothing taken over: the node held its events")
        await mongo.close()
        await socket.close()
    }

    /// The queue's depth once it reached `count` (bounded).
    static func waitForQueue(_ client: AMQPClient, _ queue: String, atLeast count: Int) async throws -> Int {
        var depth = 0
        try await waitUntil("\(count) events in \(queue)") {
            depth = (try? await client.status(of: queue).messages) ?? 0
            return depth >= count
        }
        return depth
    }

    /// Polls `condition` until it holds; fails after a deadline far beyond what a busy
    /// machine needs (it only bounds a failure).
    static func waitUntil(_ what: String, seconds: Double = 90, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("timed out after \(seconds) s waiting until \(what)")
    }
}
