import ChatTestSupport
import Foundation
import Testing

/// `chatctl post` against running `serve` processes: an operator's announcement reaches
/// the room's sockets and notifies its members, through a chat node's operator API.
@Suite("chatctl post")
struct PostCLITests {
    static let secret = "post-cli-secret-0123456789abcdef0123"
    static let systemID = "000000000000000000000001"

    static func dataDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-post-\(UUID().uuidString)").path
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    @Test("serve all on the embedded default: post --system reaches every socket of the room once and notifies every member; --as a member notifies the others; a non-member, an unknown user or room are refused; --all-rooms posts in every room; each run is audited")
    func embeddedDefault() async throws {
        let store = ["--data-dir", Self.dataDir()]
        let environment = ["SECRET_KEY": Self.secret]
        let server = try ChatctlProcess(
            ["serve", "all", "--host", "127.0.0.1", "--port", "0", "--notify-port", "0"] + store, environment: environment)
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let notify = "http://127.0.0.1:\(try await server.waitForNotifyPort())"
        _ = try await NodesCommandTests.registeredID(server)
        let ws = chat.replacingOccurrences(of: "http", with: "ws")
        let people = try await NotificationServiceTests.members(["mia", "ned"], room: "plaza", chat: chat)
        let loner = try await NotificationServiceTests.members(["olga"], room: "quiet", chat: chat)
        let mia = TestSocket(url: "\(ws)/ws/join/?name=plaza&token=\(people[0].token)")
        let ned = TestSocket(url: "\(ws)/ws/join/?name=plaza&token=\(people[1].token)")
        let olga = TestSocket(url: "\(ws)/ws/join/?name=quiet&token=\(loner[0].token)")
        for socket in [mia, ned, olga] { _ = try await socket.nextArray() }
        func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await ChatctlProcess.run(arguments + store, environment: environment)
        }

        // A system message: posted by the node, once on every socket of the room, every member notified.
        let posted = try await run(["post", "plaza", "--system", "maintenance at 22:00 UTC", "--json"])
        #expect(posted.status == 0, "\(posted.stderr)")
        let answer = try Self.object(posted.stdout)
        let message = try #require(answer["message"] as? [String: Any])
        #expect(message["system"] as? Bool == true && message["sender"] as? String == "system" && message["seq"] as? Int == 1, "\(answer)")
        #expect(message["senderID"] as? String == Self.systemID && message["room"] as? String == "plaza")
        #expect(answer["told"] as? Bool == true && answer["node"] as? String != nil, "\(answer)")
        let id = try #require(message["id"] as? String)
        for socket in [mia, ned] {
            let frame = try await socket.nextObject("the announcement")
            #expect(frame["type"] as? String == "message" && frame["id"] as? String == id, "\(frame); server:\n\(server.stderr.suffix(1500))")
            #expect(frame["system"] as? Bool == true && frame["sender"] as? String == "system" && frame["sender_id"] as? String == Self.systemID)
            #expect(try await socket.framesBeforeBinaryAnswer().isEmpty, "once")
        }
        #expect(try await olga.framesBeforeBinaryAnswer().isEmpty, "another room is told nothing")
        for person in people {
            let list = try await NotificationServiceTests.waitForList(notify, token: person.token, count: 1)
            #expect(list.compactMap { $0["Content"] as? String } == ["maintenance at 22:00 UTC"], "\(list)")
            #expect(list.first?["SenderID"] as? String == Self.systemID)
        }

        // As a member: its name, no system mark; every member but it notified.
        let asNed = try await run(["post", "plaza", "--as", "ned", "the release is out"])
        #expect(asNed.status == 0 && asNed.stdout.contains("in plaza as ned"), "\(asNed.stdout)\(asNed.stderr)")
        for socket in [mia, ned] {
            let frame = try await socket.nextObject("ned's announcement")
            #expect(frame["sender"] as? String == "ned" && frame["sender_id"] as? String == people[1].id && frame["system"] == nil, "\(frame)")
        }
        let miaList = try await NotificationServiceTests.waitForList(notify, token: people[0].token, count: 2)
        #expect(miaList.first?["Content"] as? String == "the release is out" && miaList.first?["SenderID"] as? String == people[1].id)
        #expect(try await NotificationServiceTests.list(notify, token: people[1].token, query: "?limit=500").1.count == 1, "the sender is not notified")

        // Refused: nothing posted, each attempt audited; usage errors before anything runs.
        _ = try await TestHTTP.request("POST", "\(chat)/api/user/signup/", ["username": "carol", "email": "carol@example.com", "password": "correct horse"])
        let outsider = try await run(["post", "plaza", "--as", "carol", "hi"])
        #expect(outsider.status == 1 && outsider.stderr.contains("user carol is not a member of room plaza"), "\(outsider.stderr)")
        let ghost = try await run(["post", "plaza", "--as", "ghost", "hi"])
        #expect(ghost.status == 1 && ghost.stderr.contains("ghost"), "\(ghost.stderr)")
        let nowhere = try await run(["post", "nowhere", "--system", "hi"])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("nowhere"), "\(nowhere.stderr)")
        for usage in [
            ["post", "plaza", "hi"], ["post", "plaza", "--system", "--as", "mia", "hi"], ["post", "--all-rooms", "--as", "mia", "hi"],
            ["post", "plaza", "--system"], ["post", "plaza", "--system", " "], ["post", "--all-rooms", "--system", "plaza", "hi"],
        ] {
            #expect(try await run(usage).status == 64, "\(usage)")
        }
        #expect(try await mia.framesBeforeBinaryAnswer().isEmpty, "nothing refused reached the room")

        // Every room.
        let everywhere = try await run(["post", "--all-rooms", "--system", "back in five minutes", "--json"])
        #expect(everywhere.status == 0, "\(everywhere.stderr)")
        let summary = try Self.object(everywhere.stdout)
        #expect(summary["posted"] as? Int == 2 && summary["failed"] as? Int == 0, "\(summary)")
        let rooms = try #require(summary["rooms"] as? [[String: Any]])
        #expect(rooms.compactMap { $0["room"] as? String } == ["plaza", "quiet"])
        #expect(rooms.allSatisfy { ($0["message"] as? [String: Any])?["system"] as? Bool == true && $0["error"] == nil })
        for socket in [mia, ned, olga] {
            let frame = try await socket.nextObject("the notice to every room")
            #expect(frame["content"] as? String == "back in five minutes" && frame["system"] as? Bool == true, "\(frame)")
        }

        let records = try await RestrictionCLITests.audited(store, environment: environment)
        #expect(records.map { $0.command } == Array(repeating: "post", count: 6), "\(records)")
        #expect(records.map { $0.outcome } == ["ok", "error", "error", "error", "ok", "ok"], "\(records)")
        for socket in [mia, ned, olga] { await socket.close() }
    }

    @Test("with no chat node running: stored with its system mark (in the room's history), and stderr says no socket saw it and no member was notified")
    func noChatNode() async throws {
        let store = ["--data-dir", Self.dataDir()]
        let created = try await ChatctlProcess.run(["rooms", "create", "hall"] + store)
        #expect(created.status == 0, "\(created.stderr)")
        let posted = try await ChatctlProcess.run(["post", "hall", "--system", "nobody is here", "--json"] + store)
        #expect(posted.status == 0, "\(posted.stderr)")
        #expect(posted.stderr.contains("no chat node is running") && posted.stderr.contains("no member was notified"), "\(posted.stderr)")
        let answer = try Self.object(posted.stdout)
        #expect(answer["told"] as? Bool == false && answer["node"] == nil, "\(answer)")
        let listed = try await ChatctlProcess.run(["messages", "list", "hall", "--json"] + store)
        let rows = try #require(try Self.object(listed.stdout)["messages"] as? [[String: Any]], "\(listed.stderr)")
        #expect(rows.count == 1 && rows.first?["content"] as? String == "nobody is here" && rows.first?["seq"] as? Int == 1, "\(rows)")
        #expect(rows.first?["sender"] as? String == "system" && rows.first?["system"] as? Bool == true && rows.first?["senderID"] as? String == Self.systemID)
    }

    @Test(
        "two chat nodes on Redis: post --system reaches the room's sockets on both nodes, each once",
        .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
    func twoNodesOnRedis() async throws {
        let redis = try await RedisTestServer()
        defer { redis.stop() }
        let dataDir = Self.dataDir()
        let environment = ["SECRET_KEY": Self.secret, "REDIS_URI": "127.0.0.1:\(redis.port)"]
        let arguments = ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir]
        let nodeA = try ChatctlProcess(arguments, environment: environment)
        defer { nodeA.stop() }
        let nodeB = try ChatctlProcess(arguments, environment: environment)
        defer { nodeB.stop() }
        let portA = try await nodeA.waitForListeningPort(), portB = try await nodeB.waitForListeningPort()
        _ = try await NodesCommandTests.registeredID(nodeA)
        _ = try await NodesCommandTests.registeredID(nodeB)
        let people = try await NotificationServiceTests.members(["ivy", "jon"], room: "hall", chat: "http://127.0.0.1:\(portA)")
        let sockets = [
            TestSocket(url: "ws://127.0.0.1:\(portA)/ws/join/?name=hall&token=\(people[0].token)"),
            TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=hall&token=\(people[1].token)"),
            TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=hall&token=\(people[0].token)"),
        ]
        for socket in sockets { _ = try await socket.nextArray() }
        try await TestSocket.awaitDelivery(from: sockets[0], to: sockets)

        let posted = try await ChatctlProcess.run(["post", "hall", "--system", "failover drill at noon", "--json", "--data-dir", dataDir], environment: environment)
        #expect(posted.status == 0, "\(posted.stderr)")
        let answer = try Self.object(posted.stdout)
        #expect(answer["told"] as? Bool == true, "\(answer)")
        let id = try #require((answer["message"] as? [String: Any])?["id"] as? String)
        for socket in sockets {
            let frame = try await socket.nextObjectSkippingProbes("the announcement")
            #expect(frame["id"] as? String == id && frame["system"] as? Bool == true && frame["sender"] as? String == "system", "\(frame)")
        }
        // A barrier posted after it travels the same Redis channel: anything before it is a copy.
        let extras = try await TestSocket.barrier(from: sockets[0], to: sockets)
        #expect(extras.allSatisfy { $0.isEmpty }, "once on every socket of both nodes: \(extras)")
        for socket in sockets { await socket.close() }
        nodeA.stop()
        nodeB.stop()
        #expect(try await nodeA.waitForExit() == 0)
        #expect(try await nodeB.waitForExit() == 0)
    }
}
