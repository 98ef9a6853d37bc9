import ChatTestSupport
import Foundation
import NIOWebSocket
import Testing

/// `chatctl nodes drain` against two `serve chat` processes on one store and Redis: the
/// rolling-restart path, seen from the clients.
@Suite("chatctl nodes drain", .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
struct NodesDrainCommandTests {
    static let secret = "drain-cli-secret-0123456789abcdef"

    /// A command's stdout as a JSON object.
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    /// One client's view of the room: the `seq` of every message it got, on either node,
    /// and the id of the last one.
    struct Received {
        var seqs: [Int] = []
        var lastID: String?

        mutating func record(_ frame: [String: Any]) {
            guard frame["type"] as? String == "message", let seq = frame["seq"] as? Int else { return }
            seqs.append(seq)
            lastID = frame["id"] as? String
        }
    }

    @Test("clients on node A, a sender on node B throughout: nodes drain A --batch 1 --every 200ms moves every client to B with its since, nothing lost or repeated; exit 0 with the summary; A stays up, unready; --status, nodes list and the audit trail show it; a second drain is refused")
    func rollingRestart() async throws {
        let redis = try await RedisTestServer()
        defer { redis.stop() }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-drain-cli-\(UUID().uuidString)").path
        let environment = [
            "SECRET_KEY": Self.secret, "CHATCTL_ADMIN_HOST": "127.0.0.1", "REDIS_URI": "127.0.0.1:\(redis.port)", "CHATCTL_MESSAGE_RATE_LIMIT": "0",
        ]
        let options = ["--data-dir", dataDir]
        let serve = ["serve", "chat", "--host", "127.0.0.1", "--port", "0"] + options
        let nodeA = try ChatctlProcess(serve, environment: environment)
        defer { nodeA.stop() }
        let nodeB = try ChatctlProcess(serve, environment: environment)
        defer { nodeB.stop() }
        let portA = try await nodeA.waitForListeningPort(), portB = try await nodeB.waitForListeningPort()
        let idA = try await NodesCommandTests.registeredID(nodeA), idB = try await NodesCommandTests.registeredID(nodeB)
        /// A one-shot command on the nodes' store and registry.
        func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await ChatctlProcess.run(arguments + options, environment: environment)
        }

        // Usage errors name the option; an unknown node is a failure.
        #expect(try await run(["nodes", "drain"]).status == 64)
        #expect(try await run(["nodes", "drain", idA, "--batch", "0"]).status == 64)
        let badEvery = try await run(["nodes", "drain", idA, "--every", "soon"])
        #expect(badEvery.status == 64 && badEvery.stderr.contains("--every"), "\(badEvery.stderr)")
        #expect(try await run(["nodes", "drain", "--status", "--batch", "1"]).status == 64)
        let unknown = try await run(["nodes", "drain", "nowhere-1-abc"])
        #expect(unknown.status == 1 && unknown.stderr.contains("nowhere-1-abc"), "\(unknown.stderr)")
        let idle = try await run(["nodes", "drain", "--status", "--json"])
        let idleStates = (try Self.object(idle.stdout)["nodes"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
            $0[$1["node"] as? String ?? "?"] = $1["state"] as? String
        }
        #expect(idle.status == 0 && idleStates == [idA: "idle", idB: "idle"], "\(idle.stdout)\(idle.stderr)")

        // Three readers on A, the sender on B, one room.
        let chatA = "http://127.0.0.1:\(portA)"
        let people = try await NotificationServiceTests.members(["ivy", "jon", "kim", "lea"], room: "hall", chat: chatA)
        let sender = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=hall&token=\(people[0].token)")
        let readers = people.dropFirst().map { TestSocket(url: "ws://127.0.0.1:\(portA)/ws/join/?name=hall&token=\($0.token)") }
        _ = try await sender.nextArray()
        for reader in readers { _ = try await reader.nextArray() }
        // Both nodes' subscriptions in place; every probe consumed before counting starts.
        try await TestSocket.awaitDelivery(from: sender, to: readers)

        var received = Array(repeating: Received(), count: readers.count)
        let posting = Task {
            var index = 0
            while !Task.isCancelled, index < 4000 {
                sender.send(TestSocket.message("m-\(index)"))
                index += 1
                try? await Task.sleep(for: .milliseconds(30))
            }
        }
        for (index, reader) in readers.enumerated() {
            for _ in 0..<3 { received[index].record(try await reader.nextObjectSkippingProbes()) }
        }

        let drain = try ChatctlProcess(["nodes", "drain", idA, "--batch", "1", "--every", "200ms", "--json"] + options, environment: environment)
        defer { drain.stop() }

        // Every reader: messages, then the reconnect frame naming the last one, then 1012.
        var sinces: [String] = []
        for (index, reader) in readers.enumerated() {
            while true {
                let frame = try await reader.nextObjectSkippingProbes("a message or the reconnect frame")
                if frame["type"] as? String == "reconnect" {
                    #expect(frame["since"] as? String == received[index].lastID, "reader \(index): \(frame)")
                    sinces.append(try #require(frame["since"] as? String))
                    break
                }
                received[index].record(frame)
            }
            let close = try await reader.closeFrame()
            #expect(close?.closeCode == .unknown(1012), "\(String(describing: close))")
        }
        // Back on node B, each with its since.
        let resumed = readers.indices.map { index in
            TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=hall&since=\(sinces[index])&token=\(people[index + 1].token)")
        }

        #expect(try await drain.waitForExit() == 0, "stdout:\n\(drain.stdout)\nstderr:\n\(drain.stderr)")
        let summary = try Self.object(drain.stdout)
        #expect(summary["node"] as? String == idA && summary["state"] as? String == "drained", "\(summary)")
        #expect(summary["closed"] as? Int == 3 && summary["forced"] as? Int == 0 && summary["deadline_reached"] as? Bool == false, "\(summary)")
        #expect(summary["batch"] as? Int == 1 && summary["every_ms"] as? Int == 200 && summary["deadline_ms"] as? Int == 120_000, "\(summary)")

        posting.cancel()
        _ = await posting.value
        sender.send(TestSocket.message("end"))
        for (index, socket) in resumed.enumerated() {
            while true {
                let frame = try await socket.nextObjectSkippingProbes("a missed or live message")
                #expect(frame["type"] as? String == "message", "\(frame)")
                received[index].record(frame)
                if frame["content"] as? String == "end" { break }
            }
            // Every number from the first counted to the end, each once: nothing lost or repeated.
            let seqs = received[index].seqs
            let first = seqs.first ?? 0
            #expect(seqs.count > 3 && seqs == Array(first...(seqs.last ?? first)), "reader \(index): \(seqs)")
        }

        // Node A is still up, unready; --status and nodes list say so; B is untouched.
        #expect(nodeA.process.isRunning)
        let readiness = try await TestHTTP.get("\(chatA)/readyz")
        #expect(readiness.status == 503 && readiness.object["status"] as? String == "draining", "\(readiness.object)")
        let after = try await run(["nodes", "drain", "--status", "--json"])
        let states = (try Self.object(after.stdout)["nodes"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
            $0[$1["node"] as? String ?? "?"] = $1["state"] as? String
        }
        #expect(after.status == 0 && states == [idA: "drained", idB: "idle"], "\(after.stdout)\(after.stderr)")
        let table = try await run(["nodes", "drain", "--status", idA])
        #expect(table.status == 0 && table.stdout.contains(idA) && table.stdout.contains("drained") && !table.stdout.contains(idB), "\(table.stdout)")
        let nodes = try await NodesCommandTests.listed(options, environment: environment)
        let listedA = try #require(nodes.first { $0["id"] as? String == idA })
        let listedB = try #require(nodes.first { $0["id"] as? String == idB })
        #expect(listedA["health"] as? String == "draining" && listedA["drain"] as? String == "drained", "\(listedA)")
        #expect(listedB["health"] as? String == "ready" && listedB["drain"] == nil, "\(listedB)")

        // A node drains once per start.
        let again = try await run(["nodes", "drain", idA])
        #expect(again.status == 1 && again.stderr.contains("409"), "\(again.stderr)")
        let audited = try await RestrictionCLITests.audited(options, environment: environment)
        #expect(audited.contains { $0.command == "nodes drain" && $0.outcome == "ok" }, "\(audited)")
        for socket in [sender] + resumed { await socket.close() }
    }
}
