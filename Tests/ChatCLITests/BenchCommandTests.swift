import ChatTestSupport
import Foundation
import Testing

@Suite("chatctl bench")
struct BenchCommandTests {
    @Test("fanout, join and idle smoke runs against serve all: nothing lost, figures printed, users and rooms cleaned up")
    func smoke() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-bench-\(UUID().uuidString)").path
        // A bench run lifts the per-socket message rate limit, as BENCHMARKS.md says.
        let environment = ["SECRET_KEY": "bench-test-secret-0123456789abcdef", "CHATCTL_MESSAGE_RATE_LIMIT": "0"]
        let server = try ChatctlProcess(
            ["serve", "all", "--host", "127.0.0.1", "--port", "0", "--notify-port", "0", "--data-dir", dataDir], environment: environment)
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let common = ["--data-dir", dataDir, "--url", chat, "--server-pid", "\(server.process.processIdentifier)", "--json"]

        let fanout = try await ChatctlProcess.run(
            ["bench", "fanout", "--clients", "6", "--rooms", "2", "--senders", "2", "--rate", "20", "--duration", "1"] + common, environment: environment)
        #expect(fanout.status == 0, "\(fanout.stdout)\(fanout.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(fanout.stdout.utf8)) as? [String: Any])
        let sent = try #require(report["sent"] as? Int)
        #expect(sent > 0 && report["connected"] as? Int == 6)
        // Each sender's room holds 3 sockets: every message is expected 3 times.
        #expect(report["expectedDeliveries"] as? Int == sent * 3 && report["delivered"] as? Int == sent * 3 && report["lost"] as? Int == 0)
        #expect((report["latencyMs"] as? [String: Any])?["p99"] is Double && report["serverCPUSeconds"] is Double)

        let window = try await ChatctlProcess.run(
            ["bench", "fanout", "--clients", "4", "--senders", "2", "--rate", "0", "--window", "5", "--duration", "1"] + common, environment: environment)
        #expect(window.status == 0, "\(window.stdout)\(window.stderr)")

        let join = try await ChatctlProcess.run(["bench", "join", "--joins", "5", "--history", "50"] + common, environment: environment)
        #expect(join.status == 0, "\(join.stdout)\(join.stderr)")
        let joinReport = try #require(try JSONSerialization.jsonObject(with: Data(join.stdout.utf8)) as? [String: Any])
        #expect(joinReport["historySize"] as? Int == 50 && joinReport["failures"] as? Int == 0)

        let idle = try await ChatctlProcess.run(["bench", "idle", "--clients", "20"] + common, environment: environment)
        #expect(idle.status == 0, "\(idle.stdout)\(idle.stderr)")
        #expect(idle.stdout.contains("bytesPerConnection"))

        #expect(try await ChatctlProcess.run(["users", "list", "-q", "--data-dir", dataDir]).stdout == "")
        #expect(try await ChatctlProcess.run(["rooms", "list", "-q", "--data-dir", dataDir]).stdout == "")

        let noServer = try await ChatctlProcess.run(
            ["bench", "fanout", "--clients", "2", "--duration", "1", "--data-dir", dataDir, "--url", "http://127.0.0.1:\(try RedisTestServer.freePort())"], environment: environment)
        #expect(noServer.status == 1 && noServer.stdout.contains("connect errors 2"))
    }
}
