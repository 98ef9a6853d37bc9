import ChatTestSupport
import Foundation
import Testing

/// `chatctl nodes list` and `rooms list --live` against running `serve` processes: the
/// registry in the store (the embedded default) and in Redis.
@Suite("chatctl nodes")
struct NodesCommandTests {
    enum Registry: String, CaseIterable, Sendable { case store, redis }

    static var registries: [Registry] { RedisTestServer.shouldRun ? Registry.allCases : [.store] }

    static let secret = "nodes-cli-secret-0123456789abcdef"

    /// The nodes `nodes list --json` shows.
    static func listed(_ options: [String], environment: [String: String]) async throws -> [[String: Any]] {
        let result = try await ChatctlProcess.run(["nodes", "list", "--json"] + options, environment: environment)
        guard result.status == 0 else { throw CLIError("nodes list exited \(result.status): \(result.stderr)") }
        return try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["nodes"] as? [[String: Any]])
    }

    /// Waits for the node's log line `node registered … node=<id>`; returns the id.
    static func registeredID(_ process: ChatctlProcess) async throws -> String {
        try await process.waitForLog(#"msg="node registered".* node=([^ ]+)"#)
    }

    @Test("two chat nodes are listed with their ports, operator API and health; --live sums both; one stopped leaves at once, one killed within the TTL", arguments: registries)
    func twoNodes(registry: Registry) async throws {
        var redis: RedisTestServer?
        if registry == .redis { redis = try await RedisTestServer() }
        defer { redis?.stop() }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-nodes-\(UUID().uuidString)").path
        var environment = ["SECRET_KEY": Self.secret, "CHATCTL_ADMIN_HOST": "127.0.0.1"]
        if let redis { environment["REDIS_URI"] = "127.0.0.1:\(redis.port)" }
        let options = ["--data-dir", dataDir]
        let arguments = ["serve", "chat", "--host", "127.0.0.1", "--port", "0"] + options
        let nodeA = try ChatctlProcess(arguments, environment: environment)
        defer { nodeA.stop() }
        let nodeB = try ChatctlProcess(arguments, environment: environment)
        defer { nodeB.stop() }
        let portA = try await nodeA.waitForListeningPort(), portB = try await nodeB.waitForListeningPort()
        let idA = try await Self.registeredID(nodeA), idB = try await Self.registeredID(nodeB)

        let nodes = try await Self.listed(options, environment: environment)
        #expect(Set(nodes.compactMap { $0["id"] as? String }) == [idA, idB])
        for (id, port) in [(idA, portA), (idB, portB)] {
            let node = try #require(nodes.first { $0["id"] as? String == id })
            #expect(node["roles"] as? [String] == ["chat"])
            #expect((node["ports"] as? [String: Int])?["chat"] == Int(port))
            #expect((node["admin"] as? String)?.hasPrefix("127.0.0.1:") == true)
            #expect(node["health"] as? String == "ready", "\(node)")
            #expect(node["version"] as? String != nil && node["pid"] as? Int != nil)
        }

        // One room, a socket on each node: --live sums the two nodes' counts.
        let chatA = "http://127.0.0.1:\(portA)"
        let people = try await NotificationServiceTests.members(["ivy", "jon"], room: "hall", chat: chatA)
        let onA = TestSocket(url: "ws://127.0.0.1:\(portA)/ws/join/?name=hall&token=\(people[0].token)")
        let onB = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=hall&token=\(people[1].token)")
        _ = try await onA.nextArray()
        _ = try await onB.nextArray()
        // (Until the sockets `members` opened and closed are gone on the server side.)
        var lastLive = ""
        let summed = try await waitUntil(every: .milliseconds(200)) {
            let live = try await ChatctlProcess.run(["rooms", "list", "--live", "--json"] + options, environment: environment)
            lastLive = live.stdout + live.stderr
            let rooms = (try? JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [String: Any])?["rooms"] as? [[String: Any]]
            let hall = rooms?.first { $0["name"] as? String == "hall" }
            return live.status == 0 && hall?["connected"] as? Int == 2
        }
        #expect(summed, "\(lastLive)")
        let counted = try await waitUntil(every: .milliseconds(200)) {
            try await Self.listed(options, environment: environment).compactMap { $0["connections"] as? Int }.reduce(0, +) == 2
        }
        #expect(counted, "each node's own figures, from its operator API")
        await onA.close()
        await onB.close()

        // Without the secret the registry still lists them; their health is unknown.
        var noSecret = environment
        noSecret["SECRET_KEY"] = nil
        let blind = try await Self.listed(options, environment: noSecret)
        #expect(blind.count == 2 && blind.allSatisfy { $0["health"] as? String == "unknown" })

        // A graceful stop removes its record at once; kill -9 leaves it to expire (15 s).
        nodeB.stop()
        #expect(try await nodeB.waitForExit() == 0)
        #expect(try await Self.listed(options, environment: environment).compactMap { $0["id"] as? String } == [idA])
        nodeA.kill9()
        _ = try await nodeA.waitForExit()
        let gone = try await waitUntil(seconds: 30, every: .milliseconds(500)) {
            try await Self.listed(options, environment: environment).isEmpty
        }
        #expect(gone, "a killed node disappears once its record expires")
    }

    @Test("two chat nodes, notify and the scheduler on Redis and RabbitMQ, each its own process: nodes list shows all four with their roles and health; one killed with SIGKILL is gone within the TTL, the others stay",
          .enabled(if: RedisTestServer.shouldRun && RabbitMQTestServer.shouldRun, Comment(rawValue: "\(RedisTestServer.skipReason); \(RabbitMQTestServer.skipReason)")))
    func fourProcesses() async throws {
        let redis = try await RedisTestServer()
        defer { redis.stop() }
        let broker = try await RabbitMQTestServer.shared()
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-nodes4-\(UUID().uuidString)").path
        let environment = [
            "SECRET_KEY": Self.secret, "CHATCTL_ADMIN_HOST": "127.0.0.1", "REDIS_URI": "127.0.0.1:\(redis.port)",
            "RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": "nodes-\(UUID().uuidString.prefix(8))",
        ]
        let options = ["--data-dir", dataDir]
        let serve = ["--host", "127.0.0.1", "--port", "0"] + options
        let chatA = try ChatctlProcess(["serve", "chat"] + serve, environment: environment)
        defer { chatA.stop() }
        let chatB = try ChatctlProcess(["serve", "chat"] + serve, environment: environment)
        defer { chatB.stop() }
        let notify = try ChatctlProcess(["serve", "notify"] + serve, environment: environment)
        defer { notify.stop() }
        let scheduler = try ChatctlProcess(["serve", "scheduler"] + serve, environment: environment)
        defer { scheduler.stop() }
        var ids: [String: String] = [:]
        for (role, process) in [("chat A", chatA), ("chat B", chatB), ("notify", notify), ("scheduler", scheduler)] {
            ids[role] = try await Self.registeredID(process)
        }

        var lastListed: [[String: Any]] = []
        let allFour = try await waitUntil(every: .milliseconds(200)) {
            lastListed = try await Self.listed(options, environment: environment)
            return Set(lastListed.compactMap { $0["id"] as? String }) == Set(ids.values)
                && lastListed.allSatisfy { $0["health"] as? String == "ready" }
        }
        #expect(allFour, "\(lastListed)")
        let roles = Dictionary(uniqueKeysWithValues: lastListed.compactMap { node -> (String, [String])? in
            guard let id = node["id"] as? String, let roles = node["roles"] as? [String] else { return nil }
            return (id, roles)
        })
        #expect(roles[ids["chat A"]!] == ["chat"] && roles[ids["chat B"]!] == ["chat"])
        #expect(roles[ids["notify"]!] == ["notify"] && roles[ids["scheduler"]!] == ["scheduler"])

        notify.kill9()
        _ = try await notify.waitForExit()
        let left = Set(ids.filter { $0.key != "notify" }.values)
        let gone = try await waitUntil(seconds: 30, every: .milliseconds(500)) {
            Set(try await Self.listed(options, environment: environment).compactMap { $0["id"] as? String }) == left
        }
        #expect(gone, "the killed notify node disappears once its record expires; the other three stay")
    }

    @Test("serve all registers one node with every role, the chat and notify ports and its operator API")
    func serveAll() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-nodes-\(UUID().uuidString)").path
        let environment = ["SECRET_KEY": Self.secret]
        let options = ["--data-dir", dataDir]
        let server = try ChatctlProcess(["serve", "all", "--host", "127.0.0.1", "--port", "0", "--notify-port", "0"] + options, environment: environment)
        defer { server.stop() }
        let chatPort = try await server.waitForListeningPort(), notifyPort = try await server.waitForNotifyPort()
        let adminPort = try await server.waitForLog(#"msg="operator API listening".* port=(\d+)"#)
        let id = try await Self.registeredID(server)
        let nodes = try await Self.listed(options, environment: environment)
        let node = try #require(nodes.first)
        #expect(nodes.count == 1 && node["id"] as? String == id)
        #expect(node["roles"] as? [String] == ["chat", "notify", "scheduler"])
        #expect((node["ports"] as? [String: Int]) == ["chat": Int(chatPort)!, "notify": Int(notifyPort)!])
        #expect(node["admin"] as? String == "127.0.0.1:\(adminPort)", "admin.host defaults to loopback")
        #expect(node["health"] as? String == "ready")
        let text = try await ChatctlProcess.run(["nodes", "list"] + options, environment: environment)
        #expect(text.status == 0 && text.stdout.contains(id) && text.stdout.contains("chat,notify,scheduler"), "\(text.stdout)\(text.stderr)")

        // The operator API refuses a user token signed with the same secret.
        _ = try await TestHTTP.request(
            "POST", "http://127.0.0.1:\(chatPort)/api/user/signup/", ["username": "kim", "email": "kim@example.com", "password": "correct horse"])
        let (_, login) = try await TestHTTP.request("POST", "http://127.0.0.1:\(chatPort)/api/user/login/", ["username": "kim", "password": "correct horse"])
        let userToken = try #require(login["token"] as? String)
        let refused = try await TestHTTP.get("http://127.0.0.1:\(adminPort)/admin/node", token: userToken)
        #expect(refused.status == 401 && refused.object["error"] is String)
    }
}
