import ChatTestSupport
import Foundation
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
}
