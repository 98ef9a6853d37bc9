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

@Suite("shell completion")
struct CompletionTests {
    @Test("bash, zsh and fish completion scripts name the commands", arguments: ["bash", "zsh", "fish"])
    func scripts(shell: String) async throws {
        let result = try await ChatctlProcess.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for command in ["serve", "archive", "queues", "cache", "doctor"] { #expect(result.stdout.contains(command), "\(shell): \(command)") }
    }
}
