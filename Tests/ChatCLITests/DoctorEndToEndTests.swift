import ChatTestSupport
import Foundation
import Testing

@Suite("chatctl doctor --e2e")
struct DoctorEndToEndTests {
    /// doctor's bound on each hop, in seconds. A healthy hop that takes longer fails the
    /// probe, and on a loaded machine a signup (bcrypt) or the notification's trip through
    /// the store, queue and notify service can take seconds: generous. The hop that is
    /// meant to fail against a stopped broker waits it out.
    static let hopTimeout = "30"

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
        let probe = ["doctor", "--e2e", "--json", "--data-dir", dataDir, "--chat-url", chat, "--notify-url", notify, "--timeout", Self.hopTimeout]

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
            ["doctor", "--e2e", "--json", "--data-dir", dataDir, "--chat-url", chat, "--notify-url", "http://127.0.0.1:\(try RedisTestServer.freePort())", "--timeout", Self.hopTimeout])
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
        let probe = ["doctor", "--e2e", "--json", "--data-dir", dataDir, "--chat-url", chat, "--notify-url", notify, "--timeout", Self.hopTimeout]
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
