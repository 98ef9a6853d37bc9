import ChatTestSupport
import Foundation
import Testing

@Suite("chatctl doctor")
struct DoctorTests {
    @Test("all configured backends reachable: exit 0 with a time per backend; a dead Redis: exit 11 naming it")
    func backends() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-doctor-\(UUID().uuidString)").path
        let healthy = try await ChatctlProcess.run(["doctor", "--json", "--data-dir", dataDir])
        #expect(healthy.status == 0, "\(healthy.stderr)")
        let checks = try #require((try JSONSerialization.jsonObject(with: Data(healthy.stdout.utf8)) as? [String: Any])?["checks"] as? [[String: Any]])
        #expect(checks.map { $0["name"] as? String } == ["store"])
        #expect(checks.first?["ok"] as? Bool == true && checks.first?["milliseconds"] is Double)

        let deadPort = try RedisTestServer.freePort()
        let dead = try await ChatctlProcess.run(["doctor", "--data-dir", dataDir], environment: ["REDIS_URI": "127.0.0.1:\(deadPort)"])
        #expect(dead.status == 11, "\(dead.stdout)\(dead.stderr)")
        #expect(dead.stdout.contains("redis") && dead.stdout.contains("FAILED"))
    }

    @Test("RabbitMQ is checked when configured", .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
    func rabbitMQ() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-doctor-\(UUID().uuidString)").path
        let result = try await ChatctlProcess.run(["doctor", "--data-dir", dataDir], environment: ["RABBITMQ_URL": broker.url])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("rabbitmq") && !result.stdout.contains("guest:guest"))
        let wrong = try await ChatctlProcess.run(["doctor", "--data-dir", dataDir], environment: ["RABBITMQ_URL": "amqp://guest:nope@127.0.0.1:\(broker.port)/"])
        #expect(wrong.status == 12)
        #expect(!wrong.stdout.contains("nope"))
    }
}

@Suite("chatctl doctor --e2e")
struct DoctorEndToEndTests {
    static func hops(_ stdout: String) throws -> [[String: Any]] {
        try #require((try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])?["e2e"] as? [[String: Any]])
    }

    @Test("passes against a running serve all, every hop timed, and leaves nothing behind; a stopped service is named by its hop and exit code")
    func serveAll() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-e2e-\(UUID().uuidString)").path
        let server = try ChatctlProcess(
            ["serve", "all", "--host", "127.0.0.1", "--port", "0", "--notify-port", "0", "--data-dir", dataDir],
            environment: ["SECRET_KEY": "doctor-e2e-secret-0123456789abcdef"])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let notify = "http://127.0.0.1:\(try await server.waitForNotifyPort())"
        let probe = ["doctor", "--e2e", "--json", "--data-dir", dataDir, "--chat-url", chat, "--notify-url", notify, "--timeout", "3"]

        let healthy = try await ChatctlProcess.run(probe)
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        let hops = try Self.hops(healthy.stdout)
        #expect(hops.compactMap { $0["hop"] as? String } == ["signup", "login", "create-room", "join-room", "join-notifications", "post", "notification", "cleanup"])
        #expect(hops.allSatisfy { $0["ok"] as? Bool == true && $0["milliseconds"] is Double })
        #expect(try await ChatctlProcess.run(["users", "list", "-q", "--data-dir", dataDir]).stdout == "")
        #expect(try await ChatctlProcess.run(["rooms", "list", "-q", "--data-dir", dataDir]).stdout == "")

        // The table names each hop too.
        let table = try await ChatctlProcess.run(Array(probe.filter { $0 != "--json" }))
        #expect(table.status == 0 && table.stdout.contains("e2e notification") && table.stdout.contains("ok"))

        // No notification service where it is looked for: hop join-notifications, exit 24, and still cleaned up.
        let deadNotify = try await ChatctlProcess.run(
            ["doctor", "--e2e", "--json", "--data-dir", dataDir, "--chat-url", chat, "--notify-url", "http://127.0.0.1:\(try RedisTestServer.freePort())", "--timeout", "3"])
        #expect(deadNotify.status == 24, "\(deadNotify.stdout)\(deadNotify.stderr)")
        let failed = try Self.hops(deadNotify.stdout)
        #expect(failed.first { $0["ok"] as? Bool == false }?["hop"] as? String == "join-notifications")
        #expect(failed.last?["hop"] as? String == "cleanup" && failed.last?["ok"] as? Bool == true)
        #expect(try await ChatctlProcess.run(["users", "list", "-q", "--data-dir", dataDir]).stdout == "")

        // The whole service stopped: the first hop fails, exit 20.
        server.stop()
        _ = try await server.waitForExit()
        let down = try await ChatctlProcess.run(probe)
        #expect(down.status == 20, "\(down.stdout)\(down.stderr)")
        #expect(try Self.hops(down.stdout).first?["detail"] as? String ?? "" != "")
    }

    @Test("chat and notify over RabbitMQ: passes; with the broker stopped, doctor exits 12 and the notification hop is the one that fails",
          .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
    func brokerStopped() async throws {
        let broker = try await RabbitMQTestServer()
        defer { broker.stop() }
        let queue = "doctor-\(UUID().uuidString.prefix(8))"
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-e2e-rmq-\(UUID().uuidString)").path
        let chatProcess = try NotificationRabbitMQTests.serve("chat", broker: broker, queue: queue, dataDir: dataDir)
        defer { chatProcess.stop() }
        let notifyProcess = try NotificationRabbitMQTests.serve("notify", broker: broker, queue: queue, dataDir: dataDir)
        defer { notifyProcess.stop() }
        let chat = "http://127.0.0.1:\(try await chatProcess.waitForListeningPort())"
        let notify = "http://127.0.0.1:\(try await notifyProcess.waitForNotifyPort())"
        let probe = ["doctor", "--e2e", "--json", "--data-dir", dataDir, "--chat-url", chat, "--notify-url", notify, "--timeout", "3"]
        let environment = ["RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": queue]

        let healthy = try await ChatctlProcess.run(probe, environment: environment)
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")

        try await broker.stopApp()
        let stopped = try await ChatctlProcess.run(probe, environment: environment)
        #expect(stopped.status == 12, "\(stopped.stdout)\(stopped.stderr)")
        let hops = try Self.hops(stopped.stdout)
        let failed = hops.filter { $0["ok"] as? Bool == false }.compactMap { $0["hop"] as? String }
        #expect(failed == ["notification"], "\(hops)")
        try await broker.startApp()
    }
}

@Suite("shell completion")
struct CompletionTests {
    @Test("bash, zsh and fish completion scripts name the commands", arguments: ["bash", "zsh", "fish"])
    func scripts(shell: String) async throws {
        let result = try await ChatctlProcess.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for command in ["serve", "archive", "queues", "cache", "doctor"] { #expect(result.stdout.contains(command), "\(shell): \(command)") }
    }
}

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
