import ChatTestSupport
import Foundation
import GRDB
import Testing

@Suite("pending events survive a chat node killed during a RabbitMQ outage", .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
struct PendingEventRelayTests {
    @Test("posts acknowledged while RabbitMQ is stopped, then kill -9 of that node: another node republishes their events once the broker is back")
    func relayedByAnotherNode() async throws {
        let broker = try await RabbitMQTestServer()
        defer { broker.stop() }
        let queue = "pending-\(UUID().uuidString.prefix(8))"
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-pending-\(UUID().uuidString)").path
        let nodeA = try NotificationRabbitMQTests.serve("chat", broker: broker, queue: queue, dataDir: dataDir)
        defer { nodeA.kill9() }
        let chatA = "http://127.0.0.1:\(try await nodeA.waitForListeningPort())"
        let people = try await NotificationServiceTests.members(["kai", "lou", "max"], room: "ops", chat: chatA)

        try await broker.stopApp()
        let poster = TestSocket(url: "\(chatA.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=ops&token=\(people[0].token)")
        _ = try await poster.nextArray()
        let total = 5
        for index in 0..<total {
            poster.send(#"{"type":"message","content":"during the outage \#(index)"}"#)
            #expect(try await poster.nextObject()["content"] as? String == "during the outage \(index)", "acknowledged")
        }
        // The node dies with the events in its memory buffer.
        nodeA.kill9()
        try await broker.startApp()

        let nodeB = try NotificationRabbitMQTests.serve("chat", broker: broker, queue: queue, dataDir: dataDir)
        defer { nodeB.stop() }
        _ = try await nodeB.waitForListeningPort()
        let notifyProcess = try NotificationRabbitMQTests.serve("notify", broker: broker, queue: queue, dataDir: dataDir)
        defer { notifyProcess.stop() }
        let notify = "http://127.0.0.1:\(try await notifyProcess.waitForNotifyPort())"
        for member in people.dropFirst() {
            // The relay takes events at least 10 s old, every 5 s.
            let list = try await NotificationServiceTests.waitForList(notify, token: member.token, count: total, seconds: 60)
            let contents = list.compactMap { $0["Content"] as? String }
            #expect(Set(contents) == Set((0..<total).map { "during the outage \($0)" }), "\(contents)")
            #expect(contents.count == total, "each once")
        }
        #expect(nodeB.stderr.contains("republished message events"), "stderr:\n\(nodeB.stderr.suffix(1500))")
    }

    @Test("posts acknowledged while RabbitMQ is stopped, node alive: its buffer publishes them once the broker is back and clears their pending marks, so the relay publishes nothing twice")
    func bufferClearsMarks() async throws {
        let broker = try await RabbitMQTestServer()
        defer { broker.stop() }
        let queue = "pending-\(UUID().uuidString.prefix(8))"
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-pending-\(UUID().uuidString)").path
        let node = try NotificationRabbitMQTests.serve("chat", broker: broker, queue: queue, dataDir: dataDir)
        defer { node.stop() }
        let chat = "http://127.0.0.1:\(try await node.waitForListeningPort())"
        let people = try await NotificationServiceTests.members(["ned", "oli"], room: "ops", chat: chat)

        try await broker.stopApp()
        let poster = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=ops&token=\(people[0].token)")
        _ = try await poster.nextArray()
        let total = 5
        for index in 0..<total {
            poster.send(#"{"type":"message","content":"buffered \#(index)"}"#)
            #expect(try await poster.nextObject()["content"] as? String == "buffered \(index)", "acknowledged")
        }
        let store = try DatabaseQueue(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"))
        let pending = { try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending_events") ?? -1 } }
        #expect(try await pending() == total, "each post recorded its unconfirmed event")
        try await broker.startApp()

        let notifyProcess = try NotificationRabbitMQTests.serve("notify", broker: broker, queue: queue, dataDir: dataDir)
        defer { notifyProcess.stop() }
        let notify = "http://127.0.0.1:\(try await notifyProcess.waitForNotifyPort())"
        let list = try await NotificationServiceTests.waitForList(notify, token: people[1].token, count: total, seconds: 60)
        #expect(list.count == total)
        // The buffer's confirmation clears the marks (bounded wait); the relay, which
        // takes marks at least 10 s old every 5 s, then has nothing to publish again.
        var left = try await pending()
        for _ in 0..<200 where left != 0 {
            try await Task.sleep(for: .milliseconds(100))
            left = try await pending()
        }
        #expect(left == 0, "pending marks left after the buffer published their events")
        try await Task.sleep(for: .seconds(6))
        #expect(!node.stderr.contains("republished message events"), "stderr:\n\(node.stderr.suffix(1500))")
    }
}
