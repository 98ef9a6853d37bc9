import ChatTestSupport
import Foundation
import GRDB
import Testing

@Suite("pending events survive a chat node killed during a RabbitMQ outage", .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
struct PendingEventRelayTests {
    /// A chat node on its own broker with `names` in room "ops"; the broker is stopped and
    /// the first member posts `total` messages ("during the outage N"), each acknowledged.
    struct Outage {
        let broker: RabbitMQTestServer
        let queue: String
        let dataDir: String
        let node: ChatctlProcess
        let people: [NotificationServiceTests.Member]
    }

    static func postDuringOutage(_ names: [String], total: Int) async throws -> Outage {
        let broker = try await RabbitMQTestServer()
        let queue = "pending-\(UUID().uuidString.prefix(8))"
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-pending-\(UUID().uuidString)").path
        var node: ChatctlProcess?
        do {
            let chatNode = try NotificationRabbitMQTests.serve("chat", broker: broker, queue: queue, dataDir: dataDir)
            node = chatNode
            let chat = "http://127.0.0.1:\(try await chatNode.waitForListeningPort())"
            let people = try await NotificationServiceTests.members(names, room: "ops", chat: chat)

            try await broker.stopApp()
            let poster = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=ops&token=\(people[0].token)")
            _ = try await poster.nextArray()
            for index in 0..<total {
                poster.send(#"{"type":"message","content":"during the outage \#(index)"}"#)
                #expect(try await poster.nextObject()["content"] as? String == "during the outage \(index)", "acknowledged")
            }
            return Outage(broker: broker, queue: queue, dataDir: dataDir, node: chatNode, people: people)
        } catch {
            node?.kill9()
            broker.stop()
            throw error
        }
    }
    @Test("posts acknowledged while RabbitMQ is stopped, then kill -9 of that node: another node republishes their events once the broker is back")
    func relayedByAnotherNode() async throws {
        let total = 5
        let outage = try await Self.postDuringOutage(["kai", "lou", "max"], total: total)
        let (broker, queue, dataDir, nodeA, people) = (outage.broker, outage.queue, outage.dataDir, outage.node, outage.people)
        defer { broker.stop() }
        defer { nodeA.kill9() }
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
            let list = try await NotificationServiceTests.waitForList(notify, token: member.token, count: total, seconds: 2 * Patience.seconds)
            let contents = list.compactMap { $0["Content"] as? String }
            #expect(Set(contents) == Set((0..<total).map { "during the outage \($0)" }), "\(contents)")
            #expect(contents.count == total, "each once")
        }
        // Logged once the broker confirmed and the marks are cleared, which can be after
        // the notify service stored what the relay published: wait (bounded) for the line.
        let logged = try await waitUntil(every: .milliseconds(100)) { nodeB.stderr.contains("republished message events") }
        #expect(logged, "stderr:\n\(nodeB.stderr.suffix(1500))")
    }

    @Test("posts acknowledged while RabbitMQ is stopped, node alive: its buffer publishes them once the broker is back and clears their pending marks, so the relay publishes nothing twice")
    func bufferClearsMarks() async throws {
        let total = 5
        let outage = try await Self.postDuringOutage(["ned", "oli"], total: total)
        let (broker, queue, dataDir, node, people) = (outage.broker, outage.queue, outage.dataDir, outage.node, outage.people)
        defer { broker.stop() }
        defer { node.stop() }
        // The test writes to the node's store too (below): wait for its locks, never fail on them.
        var configuration = Configuration()
        configuration.busyMode = .timeout(Patience.seconds)
        let store = try DatabaseQueue(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"), configuration: configuration)
        let pending = { try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending_events") ?? -1 } }
        /// Waits for a relay pass, observed instead of slept for: a mark of the test's own,
        /// dated long ago, for a message that does not exist, which a pass clears without
        /// publishing or logging anything. Passes run one after another, so once it is gone
        /// every pass that began before it was added has ended too.
        func relayPass(sentinel id: String) async throws -> Bool {
            try await store.write { db in
                try db.execute(sql: "INSERT INTO pending_events (message_id, room_id, since) VALUES (?, ?, 0)", arguments: [id, id])
            }
            return try await waitUntil(every: .milliseconds(100)) {
                try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending_events WHERE message_id = ?", arguments: [id]) ?? -1 } == 0
            }
        }
        #expect(try await pending() == total, "each post recorded its unconfirmed event")
        // The relay takes marks at least 10 s old. The posts (each waits out its confirm)
        // and restarting the broker can take that long on a loaded machine, and then the
        // relay may rightly publish these events before the buffer does. Dated an hour
        // ahead, the marks are the buffer's alone to clear, which is what this test is
        // about; a relay pass that had taken them before ends (unconfirmed: the broker is
        // down) before the broker comes back.
        let anHourAhead = Int64((Date().timeIntervalSince1970 + 3600) * 1000)
        try await store.write { db in try db.execute(sql: "UPDATE pending_events SET since = ?", arguments: [anHourAhead]) }
        let earlierPassesOver = try await relayPass(sentinel: "00000000000000000000bee1")
        try #require(earlierPassesOver, "the relay never cleared the sentinel mark")
        try await broker.startApp()

        let notifyProcess = try NotificationRabbitMQTests.serve("notify", broker: broker, queue: queue, dataDir: dataDir)
        defer { notifyProcess.stop() }
        let notify = "http://127.0.0.1:\(try await notifyProcess.waitForNotifyPort())"
        let list = try await NotificationServiceTests.waitForList(notify, token: people[1].token, count: total, seconds: 2 * Patience.seconds)
        #expect(list.count == total)
        // The buffer's confirmation clears the marks (bounded wait); the relay then has
        // nothing to publish again: a relay pass since then logged nothing.
        _ = try await waitUntil(every: .milliseconds(100)) { try await pending() == 0 }
        #expect(try await pending() == 0, "pending marks left after the buffer published their events")
        let relayRan = try await relayPass(sentinel: "00000000000000000000bee2")
        #expect(relayRan, "the relay never cleared the sentinel mark")
        #expect(!node.stderr.contains("republished message events"), "stderr:\n\(node.stderr.suffix(1500))")
    }
}
