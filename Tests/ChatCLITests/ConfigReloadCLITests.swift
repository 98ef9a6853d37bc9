import ChatTestSupport
import Foundation
import Testing

/// `serve chat` with a config file, reloaded by SIGHUP and by `chatctl config reload`, as
/// an operator does it: the limits change under an open socket, a broken file is refused.
@Suite("configuration reload")
struct ConfigReloadCLITests {
    static let secret = "reload-cli-secret-0123456789abcdef"

    /// Replaces the config file whole, as an editor saves it.
    static func write(_ json: String, to file: URL) throws { try Data(json.utf8).write(to: file, options: .atomic) }

    /// Posts `count` messages on `socket` and reads `count` answers: the messages stored
    /// (their echoes) and the error frames.
    static func burst(_ socket: TestSocket, _ prefix: String, count: Int) async throws -> (posted: [String], errors: [String]) {
        for index in 0..<count { socket.send(TestSocket.message("\(prefix)\(index)")) }
        var posted: [String] = []
        var errors: [String] = []
        for _ in 0..<count {
            let frame = try await socket.nextObject("an echo or an error frame")
            if let content = frame["content"] as? String { posted.append(content) }
            if let error = frame["error"] as? String { errors.append(error) }
        }
        return (posted, errors)
    }

    /// The nodes of `config reload --json`'s answer.
    static func nodes(_ output: String) -> [[String: Any]] {
        ((try? JSONSerialization.jsonObject(with: Data(output.utf8))) as? [String: Any])?["nodes"] as? [[String: Any]] ?? []
    }

    @Test("SIGHUP applies a lower message rate to an open socket and logs what changed; a broken file is refused naming the key and the old limit holds; config reload --json reports per node and is audited")
    func reloadWhileServing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.json")
        let store = ["--data-dir", folder.appendingPathComponent("data").path]
        let environment = ["SECRET_KEY": Self.secret]
        try Self.write(#"{"message_rate_limit": 1000, "message_rate_burst": 1000}"#, to: config)
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--config", config.path] + store, environment: environment)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let nodeID = try await NodesCommandTests.registeredID(server)

        _ = try await TestHTTP.request("POST", "\(base)/api/user/signup/", ["username": "uma", "email": "u@example.com", "password": "correct horse"])
        let (_, login) = try await TestHTTP.request("POST", "\(base)/api/user/login/", ["username": "uma", "password": "correct horse"])
        let token = try #require(login["token"] as? String)
        _ = try await TestHTTP.request("POST", "\(base)/api/room/create/", ["name": "lobby"], token: token)
        let url = "\(base.replacingOccurrences(of: "http://", with: "ws://"))/ws/join/?name=lobby&token=\(token)"
        let held = TestSocket(url: url)
        _ = try await held.nextArray()
        let before = try await Self.burst(held, "a", count: 6)
        #expect(before.posted.count == 6 && before.errors.isEmpty, "\(before)")

        // A lower limit (one message per 1,000 s: exactly the burst of 3 goes through, whatever the timing).
        try Self.write(#"{"message_rate_limit": 0.001, "message_rate_burst": 3}"#, to: config)
        kill(server.process.processIdentifier, SIGHUP)
        let applied = try await server.waitForLog(#"msg="configuration reloaded" applied=([^ ]+)"#)
        #expect(Set(applied.split(separator: ",").map(String.init)) == ["message_rate_limit", "message_rate_burst"])
        #expect(server.stderr.contains("needs_restart=none"), "\(server.stderr.suffix(1500))")
        let after = try await Self.burst(held, "b", count: 6)
        #expect(after.posted == ["b0", "b1", "b2"], "\(after)")
        #expect(after.errors == Array(repeating: "rate limit exceeded: at most 0.001 messages a second (bursts of 3); message not stored", count: 3))
        #expect(server.process.isRunning)

        // A broken file: refused, naming the key; the node runs on under the limit in force.
        try Self.write(#"{"message_rate_limit": 1000, "message_rate_burst": 0}"#, to: config)
        kill(server.process.processIdentifier, SIGHUP)
        let refusedKey = try await server.waitForLog(#"msg="configuration reload refused[^"]*".* key=([^ ]+)"#)
        #expect(refusedKey == "message_rate_burst")
        #expect(try await Self.burst(held, "c", count: 1).errors.count == 1, "the held socket's bucket is still the reloaded one, empty")
        let fresh = TestSocket(url: url)
        _ = try await fresh.nextArray()
        let underReloaded = try await Self.burst(fresh, "d", count: 4)
        #expect(underReloaded.posted == ["d0", "d1", "d2"] && underReloaded.errors.count == 1, "\(underReloaded)")
        // The held socket is open: it gets the room's messages.
        #expect(try await held.nextObject()["content"] as? String == "d0")

        // chatctl config reload --json: what the node applied and what needs a restart.
        try Self.write(#"{"message_rate_limit": 0.001, "message_rate_burst": 5, "websocket": {"max_frame_bytes": 32768}}"#, to: config)
        let reloaded = try await ChatctlProcess.run(["config", "reload", "--json"] + store, environment: environment)
        #expect(reloaded.status == 0, "\(reloaded.stdout)\(reloaded.stderr)")
        let answers = Self.nodes(reloaded.stdout)
        #expect(answers.count == 1 && answers.first?["id"] as? String == nodeID, "\(reloaded.stdout)")
        #expect(answers.first?["applied"] as? [String] == ["message_rate_burst"], "\(reloaded.stdout)")
        #expect(answers.first?["needs_restart"] as? [String] == ["websocket.max_frame_bytes"], "\(reloaded.stdout)")

        // A refusal through the CLI: exit 1, the node's answer names the key.
        try Self.write(#"{"message_rate_limit": "fast"}"#, to: config)
        let refused = try await ChatctlProcess.run(["config", "reload", "--json", "--node", nodeID] + store, environment: environment)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(Self.nodes(refused.stdout).first?["key"] as? String == "message_rate_limit", "\(refused.stdout)")
        #expect(server.process.isRunning)
        let unknown = try await ChatctlProcess.run(["config", "reload", "--node", "no-such-node"] + store, environment: environment)
        #expect(unknown.status == 1 && unknown.stderr.contains("no running node has id no-such-node"), "\(unknown.stderr)")

        let audit = try await ChatctlProcess.run(["audit", "list", "--json"] + store, environment: environment)
        let records = ((try? JSONSerialization.jsonObject(with: Data(audit.stdout.utf8))) as? [String: Any])?["records"] as? [[String: Any]] ?? []
        let reloads = records.filter { $0["command"] as? String == "config reload" }
        #expect(reloads.count == 3, "\(audit.stdout)")
        #expect(reloads.compactMap { $0["outcome"] as? String }.sorted() == ["error", "error", "ok"], "\(reloads)")

        await held.close()
        await fresh.close()
        server.stop()
        #expect(try await server.waitForExit() == 0, "SIGTERM still stops it gracefully: \(server.stderr.suffix(1500))")
    }
}
