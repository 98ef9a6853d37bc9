import AMQPKit
import ChatTestSupport
import Foundation
import Testing

/// chatctl beside the Go services on one broker: they declare `send_notification`
/// non-durable (`QueueDeclare(name, false, false, false, false, nil)`) and die when that
/// declare fails, so chatctl takes the queue as it finds it by default, requires a
/// durability only when told to, and can move the queue to a durable one.
@Suite("the event queue's durability", .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
struct QueueDurabilityTests {
    static let secret = "durability-test-secret-0123456789abcdef"
    static let nonDurableLine = #"msg="RabbitMQ event queue is non-durable: using it as it is""#
    static let refusedLine = #"msg="RabbitMQ refused to declare a queue"#

    /// A queue declared exactly as the Go services declare it (non-durable), by a client
    /// the test keeps; `events` Go-style messages in it (transient, no message id).
    static func goQueue(_ broker: RabbitMQTestServer, prefix: String, events: [String] = []) async throws -> (AMQPClient, String) {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8))"
        let client = AMQPClient(endpoint: try AMQPEndpoint(parsing: broker.url))
        _ = try await client.declare(AMQPQueue(name: name, durable: false))
        if !events.isEmpty { try await client.publish(events.map { AMQPMessage(body: Array($0.utf8), persistent: false) }, to: name) }
        return (client, name)
    }

    static func serve(_ role: String, broker: RabbitMQTestServer, queue: String, dataDir: String, environment: [String: String] = [:]) throws -> ChatctlProcess {
        try ChatctlProcess(
            ["serve", role, "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: ["SECRET_KEY": secret, "RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": queue].merging(environment) { $1 })
    }

    static func dataDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-durability-\(UUID().uuidString)").path
    }

    /// Polls `/readyz` (bounded) until it answers `status`; returns the last body.
    static func waitForReadiness(_ base: String, status wanted: Int) async throws -> (Int, [String: Any]) {
        var last: (Int, [String: Any]) = (0, [:])
        for _ in 0..<100 {
            last = try await TestHTTP.request("GET", "\(base)/readyz")
            if last.0 == wanted { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    static func occurrences(_ text: String, in log: String) -> Int { log.components(separatedBy: text).count - 1 }

    /// The bodies `client` finds in `queue` once it holds `count` messages (bounded wait).
    static func contents(_ client: AMQPClient, queue: String, count: Int) async throws -> [String] {
        try await RabbitMQEventTests.waitForMessages(client, queue: queue, count: count).map { String(decoding: $0.body, as: UTF8.self) }
    }

    @Test("serve chat with default settings publishes to the Go services' non-durable queue: events arrive, /readyz 200, the log says once which durability and why")
    func chatTakesTheGoQueue() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let (client, queue) = try await Self.goQueue(broker, prefix: "go-chat")
        defer { client.close() }
        let server = try Self.serve("chat", broker: broker, queue: queue, dataDir: Self.dataDir())
        defer { server.stop() }
        let base = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let socket = try await RabbitMQEventTests.joinedSocket(base)
        for index in 0..<3 {
            socket.send(#"{"type":"message","content":"to go \#(index)"}"#)
            _ = try await socket.nextObject()
        }
        let events = try await Self.contents(client, queue: queue, count: 3)
        let texts = try events.compactMap { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["Content"] as? String }
        #expect(texts == (0..<3).map { "to go \($0)" })
        let (ready, body) = try await Self.waitForReadiness(base, status: 200)
        #expect(ready == 200, "\(body)")
        #expect((body["checks"] as? [String: String])?["rabbitmq"] == "ok")
        _ = try await server.waitForLog(Self.nonDurableLine)
        _ = try await Self.waitForReadiness(base, status: 200)
        #expect(Self.occurrences(Self.nonDurableLine, in: server.stderr) == 1, "said once:\n\(server.stderr)")
        #expect(server.stderr.contains("queues migrate"), "the log says how to make it durable")
        #expect(Self.occurrences(Self.refusedLine, in: server.stderr) == 0)
        #expect(try await client.declare(AMQPQueue(name: queue, durable: false)).durable == false, "the Go services can still declare it")
    }

    @Test("serve chat with rabbitmq.queue_durable=true against the Go queue: nothing is published, /readyz 503 names rabbitmq, the log says why once")
    func chatRequiresDurable() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let (client, queue) = try await Self.goQueue(broker, prefix: "go-strict")
        defer { client.close() }
        let server = try Self.serve("chat", broker: broker, queue: queue, dataDir: Self.dataDir(), environment: ["CHATCTL_RABBITMQ_QUEUE_DURABLE": "true"])
        defer { server.stop() }
        let base = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let socket = try await RabbitMQEventTests.joinedSocket(base)
        socket.send(#"{"type":"message","content":"not published"}"#)
        #expect(try await socket.nextObject()["content"] as? String == "not published", "posts go on")
        let (status, body) = try await Self.waitForReadiness(base, status: 503)
        #expect(status == 503)
        #expect(body["failing"] as? [String] == ["rabbitmq"])
        _ = try await server.waitForLog(Self.refusedLine)
        _ = try await Self.waitForReadiness(base, status: 503)
        #expect(Self.occurrences(Self.refusedLine, in: server.stderr) == 1, "said once:\n\(server.stderr)")
        #expect(server.stderr.contains("rabbitmq.queue_durable=true (from CHATCTL_RABBITMQ_QUEUE_DURABLE)"))
        #expect(server.stderr.contains("inequivalent arg 'durable'"))
        #expect(try await client.status(of: queue).messages == 0)
    }

    @Test("serve notify with default settings consumes the Go services' non-durable queue: notifications arrive, /readyz 200, the log says once which durability")
    func notifyTakesTheGoQueue() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let (client, queue) = try await Self.goQueue(broker, prefix: "go-notify")
        defer { client.close() }
        let dataDir = Self.dataDir()
        let chatProcess = try Self.serve("chat", broker: broker, queue: queue, dataDir: dataDir)
        defer { chatProcess.stop() }
        let notifyProcess = try Self.serve("notify", broker: broker, queue: queue, dataDir: dataDir)
        defer { notifyProcess.stop() }
        let chat = "http://127.0.0.1:\(try await chatProcess.waitForListeningPort())"
        let notify = "http://127.0.0.1:\(try await notifyProcess.waitForNotifyPort())"
        let people = try await NotificationServiceTests.members(["kim", "lee"], room: "ops", chat: chat)
        let poster = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=ops&token=\(people[0].token)")
        _ = try await poster.nextArray()
        for index in 0..<3 {
            poster.send(#"{"type":"message","content":"notify \#(index)"}"#)
            _ = try await poster.nextObject()
        }
        let list = try await NotificationServiceTests.waitForList(notify, token: people[1].token, count: 3)
        #expect(Set(list.compactMap { $0["Content"] as? String }) == Set((0..<3).map { "notify \($0)" }))
        let (ready, body) = try await Self.waitForReadiness(notify, status: 200)
        #expect(ready == 200, "\(body)")
        _ = try await notifyProcess.waitForLog(Self.nonDurableLine)
        #expect(Self.occurrences(Self.nonDurableLine, in: notifyProcess.stderr) == 1, "said once by the consumer and the client together:\n\(notifyProcess.stderr)")
        #expect(Self.occurrences(Self.refusedLine, in: notifyProcess.stderr) == 0)
        var drained = false
        for _ in 0..<100 where !drained {
            drained = try await client.status(of: queue).messages == 0
            if !drained { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(drained, "every event consumed and acked")
        #expect(try await client.declare(AMQPQueue(name: queue, durable: false)).durable == false)
    }

    @Test("doctor declares the queues as the services do: auto reports the Go queue non-durable (exit 0); rabbitmq.queue_durable=true exits 12 naming the mismatch; a missing queue is reported, not created")
    func doctor() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let (client, queue) = try await Self.goQueue(broker, prefix: "go-doctor")
        defer { client.close() }
        let dataDir = Self.dataDir()
        let environment = ["RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": queue]

        let auto = try await ChatctlProcess.run(["doctor", "--json", "--data-dir", dataDir], environment: environment)
        #expect(auto.status == 0, "\(auto.stdout)\(auto.stderr)")
        let checks = try #require((try JSONSerialization.jsonObject(with: Data(auto.stdout.utf8)) as? [String: Any])?["checks"] as? [[String: Any]])
        let rabbitMQ = try #require(checks.first { $0["name"] as? String == "rabbitmq" })
        #expect(rabbitMQ["ok"] as? Bool == true)
        #expect((rabbitMQ["target"] as? String)?.hasSuffix("queue \(queue) non-durable") == true, "\(rabbitMQ)")

        let strict = try await ChatctlProcess.run(
            ["doctor", "--data-dir", dataDir], environment: environment.merging(["CHATCTL_RABBITMQ_QUEUE_DURABLE": "true"]) { $1 })
        #expect(strict.status == 12, "\(strict.stdout)\(strict.stderr)")
        #expect(strict.stdout.contains("FAILED"))
        #expect(strict.stdout.contains("queue \(queue) is non-durable, but rabbitmq.queue_durable=true (from CHATCTL_RABBITMQ_QUEUE_DURABLE)"), "\(strict.stdout)")

        let relaxed = try await ChatctlProcess.run(
            ["doctor", "--data-dir", dataDir], environment: environment.merging(["CHATCTL_RABBITMQ_QUEUE_DURABLE": "false"]) { $1 })
        #expect(relaxed.status == 0, "\(relaxed.stdout)\(relaxed.stderr)")

        let missing = "go-doctor-missing-\(UUID().uuidString.prefix(8))"
        let fresh = try await ChatctlProcess.run(["doctor", "--data-dir", dataDir], environment: ["RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": missing])
        #expect(fresh.status == 0, "\(fresh.stdout)\(fresh.stderr)")
        #expect(fresh.stdout.contains("queue \(missing) not declared yet"))
        let notCreated = await #expect(throws: AMQPError.self) { try await client.status(of: missing) }
        #expect(notCreated?.kind == .closedByBroker(code: 404), "doctor creates nothing")
    }

    @Test("queues list shows each queue's durability; a mismatch with rabbitmq.queue_durable exits 1 with the reason, in text and JSON")
    func list() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let (client, queue) = try await Self.goQueue(broker, prefix: "go-list", events: ["a", "b"])
        defer { client.close() }
        let environment = ["RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": queue]
        func rows(_ result: (status: Int32, stdout: String, stderr: String)) throws -> [String: [String: Any]] {
            let rows = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["queues"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0) })
        }

        let auto = try await ChatctlProcess.run(["queues", "list", "--json"], environment: environment)
        #expect(auto.status == 0, "\(auto.stderr)")
        let autoRows = try rows(auto)
        #expect(autoRows[queue]?["durable"] as? Bool == false)
        #expect(autoRows[queue]?["wanted"] as? String == "either")
        #expect(autoRows[queue]?["ready"] as? Int == 2)
        #expect(autoRows[queue]?["problem"] == nil)
        #expect(autoRows["\(queue).dead"]?["exists"] as? Bool == false)
        #expect(autoRows["\(queue).dead"]?["durable"] == nil)
        let text = try await ChatctlProcess.run(["queues", "list"], environment: environment)
        #expect(text.status == 0)
        #expect(text.stdout.contains("DURABLE"))
        #expect(text.stdout.contains("non-durable: its events are lost if the broker restarts"))

        let strictEnvironment = environment.merging(["CHATCTL_RABBITMQ_QUEUE_DURABLE": "true"]) { $1 }
        let strict = try await ChatctlProcess.run(["queues", "list"], environment: strictEnvironment)
        #expect(strict.status == 1, "\(strict.stdout)\(strict.stderr)")
        #expect(strict.stdout.contains("\(queue): queue \(queue) is non-durable, but rabbitmq.queue_durable=true"), "\(strict.stdout)")
        let strictJSON = try await ChatctlProcess.run(["queues", "list", "--json"], environment: strictEnvironment)
        #expect(strictJSON.status == 1)
        let strictRows = try rows(strictJSON)
        #expect(strictRows[queue]?["wanted"] as? String == "durable")
        #expect((strictRows[queue]?["problem"] as? String)?.contains("requires a durable queue") == true)

        let relaxed = try await ChatctlProcess.run(["queues", "list"], environment: environment.merging(["CHATCTL_RABBITMQ_QUEUE_DURABLE": "false"]) { $1 })
        #expect(relaxed.status == 0, "\(relaxed.stdout)")
        #expect(try await client.status(of: queue).messages == 2, "listing moved nothing")
    }

    @Test("queues migrate moves every event of the Go queue into a durable queue of the same name, in order, none lost; refuses while it has consumers; --dry-run changes nothing; a second run has nothing to do")
    func migrate() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let total = 300
        let events = (0..<total).map { #"{"ID":"000000000000000000000000","Content":"event \#($0)"}"# }
        let (client, queue) = try await Self.goQueue(broker, prefix: "go-migrate", events: events)
        defer { client.close() }
        let environment = ["RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": queue]

        let dryRun = try await ChatctlProcess.run(["queues", "migrate", "--dry-run"], environment: environment)
        #expect(dryRun.status == 0, "\(dryRun.stdout)\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("dry run: nothing changed") && dryRun.stdout.contains("(\(total) now)"), "\(dryRun.stdout)")
        #expect(try await client.inspect(AMQPQueue(name: queue, durable: false, acceptsOtherDurability: true)) == AMQPQueueStatus(messages: total, consumers: 0, durable: false))

        // A notification service still consuming: refused, nothing moved.
        let consumer = AMQPConsumer(endpoint: client.endpoint, queue: AMQPQueue(name: queue, durable: false), prefetch: 1, heartbeat: 10)
        defer { consumer.stop() }
        consumer.startIfNeeded()
        var attached = false
        for _ in 0..<200 where !attached {
            attached = try await client.status(of: queue).consumers == 1
            if !attached { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(attached)
        let refused = try await ChatctlProcess.run(["queues", "migrate"], environment: environment)
        consumer.stop()
        #expect(refused.status == 3, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("1 consumer") && refused.stderr.contains("nothing was moved"))
        var back = false
        for _ in 0..<100 where !back {
            back = try await client.status(of: queue) == AMQPQueueStatus(messages: total, consumers: 0)
            if !back { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(back, "all \(total) still there")

        let migrated = try await ChatctlProcess.run(["queues", "migrate", "--json"], environment: environment)
        #expect(migrated.status == 0, "\(migrated.stdout)\(migrated.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(migrated.stdout.utf8)) as? [String: Any])
        #expect(report["wasDurable"] as? Bool == false)
        #expect(report["durable"] as? Bool == true)
        #expect(report["moved"] as? Int == total)
        // Durable now: a durable declare, which the broker refused before (406), succeeds.
        #expect(try await client.declare(AMQPQueue(name: queue, durable: true)) == AMQPQueueStatus(messages: total, consumers: 0, durable: true))
        #expect(try await client.peek(queue, limit: total + 10).map { String(decoding: $0.body, as: UTF8.self) } == events, "every event once, in order")
        let temporary = await #expect(throws: AMQPError.self) { try await client.status(of: "\(queue).migrating") }
        #expect(temporary?.kind == .closedByBroker(code: 404), "the temporary queue is gone")

        let again = try await ChatctlProcess.run(["queues", "migrate"], environment: environment)
        #expect(again.status == 0)
        #expect(again.stdout.contains("nothing to do: \(queue) is durable already"), "\(again.stdout)")
        let listed = try await ChatctlProcess.run(["queues", "list", "--json"], environment: environment.merging(["CHATCTL_RABBITMQ_QUEUE_DURABLE": "true"]) { $1 })
        #expect(listed.status == 0, "durable now, as rabbitmq.queue_durable=true requires: \(listed.stdout)")
    }

    @Test("queues migrate after a killed run: the events left in QUEUE.migrating are moved back first, and none is lost")
    func migrateAfterKill() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let (client, queue) = try await Self.goQueue(broker, prefix: "go-rerun", events: (0..<5).map { "left in the queue \($0)" })
        defer { client.close() }
        // What a run killed while draining leaves: some events already in the durable temporary queue.
        let temporary = "\(queue).migrating"
        _ = try await client.declare(AMQPQueue(name: temporary, durable: true))
        try await client.publish((0..<3).map { AMQPMessage(body: Array("moved before the kill \($0)".utf8)) }, to: temporary)

        let migrated = try await ChatctlProcess.run(["queues", "migrate", "--json"], environment: ["RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": queue])
        #expect(migrated.status == 0, "\(migrated.stdout)\(migrated.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(migrated.stdout.utf8)) as? [String: Any])
        #expect(report["recovered"] as? Int == 3)
        #expect(report["moved"] as? Int == 8)
        #expect(try await client.declare(AMQPQueue(name: queue, durable: true)).messages == 8)
        let bodies = try await client.peek(queue, limit: 20).map { String(decoding: $0.body, as: UTF8.self) }
        #expect(Set(bodies) == Set((0..<5).map { "left in the queue \($0)" } + (0..<3).map { "moved before the kill \($0)" }))
        #expect(bodies.count == 8)
        let gone = await #expect(throws: AMQPError.self) { try await client.status(of: temporary) }
        #expect(gone?.kind == .closedByBroker(code: 404))
    }
}

/// rabbitmq.queue_durable's values, without a broker.
@Suite("rabbitmq.queue_durable setting")
struct QueueDurabilitySettingTests {
    @Test("auto by default; true and false as before, from a JSON file's booleans too; anything else is refused naming the key")
    func values() async throws {
        func value(_ arguments: [String] = [], environment: [String: String] = [:]) async throws -> String? {
            let result = try await ChatctlProcess.run(["config", "show", "--json"] + arguments, environment: environment)
            let settings = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["settings"] as? [[String: Any]])
            return settings.first { $0["key"] as? String == "rabbitmq.queue_durable" }?["value"] as? String
        }
        #expect(try await value() == "auto")
        #expect(try await value(environment: ["CHATCTL_RABBITMQ_QUEUE_DURABLE": "false"]) == "false")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-durable-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("config.json")
        try #"{"secret_key": "s", "rabbitmq": {"queue_durable": true}}"#.write(to: json, atomically: true, encoding: .utf8)
        #expect(try await value(["--config", json.path]) == "true", "a file written when the setting was a bool")
        #expect(try await ChatctlProcess.run(["config", "check", json.path]).status == 0)
        let yaml = directory.appendingPathComponent("config.yaml")
        try "secret_key: s\nrabbitmq:\n  queue_durable: false\n".write(to: yaml, atomically: true, encoding: .utf8)
        #expect(try await ChatctlProcess.run(["config", "check", yaml.path]).status == 0)

        for oldSpelling in ["yes", "0", "TRUE"] {
            let result = try await ChatctlProcess.run(["config", "check"], environment: ["SECRET_KEY": "s", "CHATCTL_RABBITMQ_QUEUE_DURABLE": oldSpelling])
            #expect(result.status == 0, "\(oldSpelling), as a bool variable took it: \(result.stderr)")
        }
        let bad = try await ChatctlProcess.run(["config", "check"], environment: ["SECRET_KEY": "s", "CHATCTL_RABBITMQ_QUEUE_DURABLE": "maybe"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("rabbitmq.queue_durable") && bad.stderr.contains("auto, true, false"), "\(bad.stderr)")
    }
}
