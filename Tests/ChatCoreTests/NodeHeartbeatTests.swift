import ChatCore
import ChatInProcess
import Foundation
import InProcessTestSupport
import Logging
import Synchronization
import Testing

@Suite("node record and heartbeat")
struct NodeHeartbeatTests {
    static var logger: Logger {
        var logger = Logger(label: "node-test")
        logger.logLevel = .critical
        return logger
    }

    @Test("a node is complete once every server reported; its record sums its figures and lives for the lifetime")
    func record() throws {
        let node = LocalNode(roles: ["notify", "chat"], servers: ["chat", "notify"], operatorAPI: true, version: "9.9.9", host: "box", pid: 42)
        #expect(node.id.hasPrefix("box-42-") && node.roles == ["chat", "notify"])
        #expect(!node.isComplete)
        node.listening("chat", port: 8000)
        node.listening("notify", port: 8080)
        #expect(!node.isComplete, "the operator API has not reported yet")
        node.operatorAPIListening(host: "0.0.0.0", port: 9100)
        #expect(node.isComplete)
        node.addFigures { NodeFigures(connections: 3, rooms: 2) }
        node.addFigures { NodeFigures(connections: 4) }
        let now = Date()
        let record = node.record(now: now, lifetime: .seconds(15))
        #expect(record.ports == ["chat": 8000, "notify": 8080])
        #expect(record.admin == NodeRecord.Address(host: "box", port: 9100), "a wildcard bind is recorded under the host name")
        #expect(record.connections == 7 && record.rooms == 2 && record.version == "9.9.9" && record.pid == 42)
        #expect(record.isLive(at: now.addingTimeInterval(14)) && !record.isLive(at: now.addingTimeInterval(15)))
        #expect(try NodeRecord.decode(try record.json()) == record, "the JSON every registry stores reads back the same")
        #expect(String(decoding: try record.json(), as: UTF8.self).contains(#""startedAt":"20"#), "dates are RFC 3339 text")
    }

    @Test("without an operator API the public servers alone complete the node")
    func noOperatorAPI() {
        let node = LocalNode(roles: ["scheduler"], servers: ["scheduler"], operatorAPI: false, version: "1")
        node.listening("scheduler", port: 8090)
        #expect(node.isComplete && node.record(lifetime: .seconds(15)).admin == nil)
    }

    @Test("the heartbeat writes nothing before the node is complete, then keeps the record fresh, and removes it when stopped")
    func heartbeat() async throws {
        let registry = MemoryNodeRegistry()
        let node = LocalNode(roles: ["chat"], servers: ["chat"], operatorAPI: false, version: "1")
        let connections = ConnectionCount()
        node.addFigures { NodeFigures(connections: connections.value) }
        let heartbeat = NodeHeartbeat(node: node, registry: registry, interval: .milliseconds(50), lifetime: .seconds(5), logger: Self.logger)
        let running = Task { try await heartbeat.run() }
        // Several intervals pass: an incomplete node is not registered.
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await registry.liveNodes(at: Date()).isEmpty)

        node.listening("chat", port: 8123)
        heartbeat.refreshNow()
        #expect(try await waitUntil { try await registry.liveNodes(at: Date()).first?.ports == ["chat": 8123] })
        connections.set(5)
        #expect(try await waitUntil { try await registry.liveNodes(at: Date()).first?.connections == 5 }, "rewritten every interval")
        #expect(try await registry.liveNodes(at: Date()).map(\.id) == [node.id])

        running.cancel()
        _ = try? await running.value
        #expect(try await registry.liveNodes(at: Date()).isEmpty, "a stopped heartbeat removes its record")
    }
}

/// A figure a test changes while the heartbeat reads it.
final class ConnectionCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func set(_ value: Int) { count.withLock { $0 = value } }
}
