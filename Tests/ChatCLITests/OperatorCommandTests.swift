import AMQPKit
import ChatTestSupport
import Foundation
import Testing

@Suite("chatctl token")
struct TokenCommandTests {
    @Test("issue mints a token the chat service accepts; verify explains valid and invalid tokens with exit codes")
    func issueAndVerify() async throws {
        let secret = "token-cli-secret-0123456789abcdef"
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-token-\(UUID().uuidString)").path
        let server = try ChatctlProcess(["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir], environment: ["SECRET_KEY": secret])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        _ = try await TestHTTP.request("POST", "\(chat)/api/user/signup/", ["username": "kim", "email": "k@example.com", "password": "correct horse"])

        let issued = try await ChatctlProcess.run(["token", "issue", "kim", "--ttl", "1h", "--json", "--data-dir", dataDir], environment: ["SECRET_KEY": secret])
        #expect(issued.status == 0, "\(issued.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any])
        let token = try #require(document["token"] as? String)
        #expect(document["username"] as? String == "kim")
        let (status, _) = try await TestHTTP.request("GET", "\(chat)/api/room/list/", token: token)
        #expect(status == 200, "the chat service accepts the minted token")

        let valid = try await ChatctlProcess.run(["token", "verify", token], environment: ["SECRET_KEY": secret])
        #expect(valid.status == 0 && valid.stdout.contains("valid: user kim"))
        let forged = try await ChatctlProcess.run(["token", "verify", token, "--json"], environment: ["SECRET_KEY": "another-secret-0123456789abcdefghij"])
        #expect(forged.status == 1)
        #expect((try JSONSerialization.jsonObject(with: Data(forged.stdout.utf8)) as? [String: Any])?["valid"] as? Bool == false)
        let missing = try await ChatctlProcess.run(["token", "issue", "nobody", "--data-dir", dataDir], environment: ["SECRET_KEY": secret])
        #expect(missing.status == 1 && missing.stderr.contains("user 'nobody' does not exist"))
        let badTTL = try await ChatctlProcess.run(["token", "issue", "kim", "--ttl", "forever", "--data-dir", dataDir], environment: ["SECRET_KEY": secret])
        #expect(badTTL.status == 64 && badTTL.stderr.contains("--ttl"))
    }
}

@Suite("chatctl queues", .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
struct QueuesCommandTests {
    @Test("list counts, peek leaves the counts unchanged, purge needs --yes when not on a terminal")
    func listPeekPurge() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let queue = "cli-\(UUID().uuidString.prefix(8))"
        let environment = ["RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": queue]
        let client = AMQPClient(endpoint: try AMQPEndpoint(parsing: broker.url))
        defer { client.close() }
        _ = try await client.declare(AMQPQueue(name: queue))
        try await client.publish((0..<3).map { AMQPMessage(body: Array(#"{"n":\#($0)}"#.utf8), messageID: "m\($0)") }, to: queue)

        func ready() async throws -> [String: Any] {
            let result = try await ChatctlProcess.run(["queues", "list", "--json"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["queues"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as! String, $0["ready"] ?? "missing") })
        }
        var counts = try await ready()
        #expect(counts[queue] as? Int == 3)
        #expect(counts["\(queue).dead"] as? String == "missing")

        let peek = try await ChatctlProcess.run(["queues", "peek", queue, "-n", "2", "--json"], environment: environment)
        let messages = try #require((try JSONSerialization.jsonObject(with: Data(peek.stdout.utf8)) as? [String: Any])?["messages"] as? [[String: Any]])
        #expect(messages.map { $0["messageID"] as? String } == ["m0", "m1"])
        // The broker requeues what a peek took back asynchronously: wait (bounded) for the count.
        _ = try await waitUntil {
            counts = try await ready()
            return counts[queue] as? Int == 3
        }
        #expect(counts[queue] as? Int == 3, "peek lost nothing")

        let refused = try await ChatctlProcess.run(["queues", "purge", queue], environment: environment)
        #expect(refused.status == 1 && refused.stderr.contains("--yes"))
        #expect(try await ready()[queue] as? Int == 3)
        let purged = try await ChatctlProcess.run(["queues", "purge", queue, "--yes"], environment: environment)
        #expect(purged.status == 0 && purged.stdout.contains("purged 3 messages"))
        #expect(try await ready()[queue] as? Int == 0)
        let unknown = try await ChatctlProcess.run(["queues", "peek", "no-such-queue-\(queue)"], environment: environment)
        #expect(unknown.status == 1 && unknown.stderr.contains("does not exist"))
    }
}
