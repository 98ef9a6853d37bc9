import ChatTestSupport
import Foundation
import NIOWebSocket
import Testing

/// `chatctl rooms set|mute|unmute` and `users ban|unban` against live `serve chat`
/// processes: what an operator runs to keep a room civil.
@Suite("chatctl room rules, mutes and bans")
struct RestrictionCLITests {
    static func dataDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-rules-\(UUID().uuidString)").path
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    /// The commands of `audit list --json`, newest first, with their outcomes.
    static func audited(_ store: [String], environment: [String: String] = [:]) async throws -> [(command: String, outcome: String)] {
        let listed = try await ChatctlProcess.run(["audit", "list", "--json"] + store, environment: environment)
        let records = try #require(try object(listed.stdout)["records"] as? [[String: Any]], "\(listed.stderr)")
        return records.map { (($0["command"] as? String) ?? "", ($0["outcome"] as? String) ?? "") }
    }

    @Test("rooms set (read-only, moderators, slow mode, topic), mute and unmute reach a live serve chat on the embedded default; rooms show and users show print them, also --json; one audit record per command")
    func embeddedDefault() async throws {
        let store = ["--data-dir", Self.dataDir()]
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0"] + store, environment: ["SECRET_KEY": "rules-cli-secret-0123456789abcdef0123"])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let ws = chat.replacingOccurrences(of: "http", with: "ws")
        let people = try await NotificationServiceTests.members(["mia", "ned"], room: "stage", chat: chat)
        let mia = TestSocket(url: "\(ws)/ws/join/?name=stage&token=\(people[0].token)")
        let ned = TestSocket(url: "\(ws)/ws/join/?name=stage&token=\(people[1].token)")
        _ = try await mia.nextArray()
        _ = try await ned.nextArray()
        func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await ChatctlProcess.run(arguments + store)
        }

        // Read-only, with mia as its moderator.
        let readOnly = try await run(["rooms", "set", "stage", "--read-only", "--add-moderators", "mia", "--topic", "launch day"])
        #expect(readOnly.status == 0 && readOnly.stdout.contains("read-only, moderators mia"), "\(readOnly.stdout)\(readOnly.stderr)")
        #expect(try await ned.probeUntilRefused() == "room is read-only: only its moderators post", "server:\n\(server.stderr.suffix(1500))")
        mia.send(TestSocket.message("welcome"))
        #expect(try await mia.nextObjectSkippingProbes()["content"] as? String == "welcome")
        #expect(try await ned.nextObjectSkippingProbes()["content"] as? String == "welcome")
        let shown = try Self.object(try await run(["rooms", "show", "stage", "--json"]).stdout)
        let rules = try #require(shown["rules"] as? [String: Any])
        #expect(rules["readOnly"] as? Bool == true && rules["slowModeSeconds"] as? Int == 0 && rules["topic"] as? String == "launch day")
        #expect((rules["moderators"] as? [[String: Any]])?.compactMap { $0["username"] as? String } == ["mia"])
        let text = try await run(["rooms", "show", "stage"])
        #expect(text.stdout.contains("rules: read-only, moderators mia") && text.stdout.contains("topic: launch day"), "\(text.stdout)")

        // Slow mode instead: one message, then an error saying when the next is allowed.
        #expect(try await run(["rooms", "set", "stage", "--no-read-only", "--slow-mode", "1m"]).status == 0)
        try await ned.probeUntilAccepted()
        let slow = try #require(try await ned.answer(toProbe: 0))
        #expect(slow.hasPrefix("slow mode: next message allowed in ") && slow.hasSuffix("s"), "\(slow)")
        #expect(try await run(["rooms", "set", "stage"]).status == 64, "nothing to change")
        #expect(try await run(["rooms", "set", "stage", "--slow-mode", "7h"]).status == 64)

        // A mute with an end and a reason.
        let muted = try await run(["rooms", "mute", "stage", "ned", "--for", "1h", "--reason", "flooding", "--json"])
        #expect(muted.status == 0, "\(muted.stderr)")
        let mute = try Self.object(muted.stdout)
        let until = try #require(mute["until"] as? String)
        #expect(mute["user"] as? String == "ned" && mute["room"] as? String == "stage" && mute["reason"] as? String == "flooding")
        #expect(try await ned.probeUntilRefused(matching: { $0.hasPrefix("you are muted") }) == "you are muted in this room until \(until)")
        let nedShown = try Self.object(try await run(["users", "show", "ned", "--json"]).stdout)
        let nedMutes = try #require(nedShown["mutes"] as? [[String: Any]])
        #expect(nedMutes.count == 1 && nedMutes.first?["room"] as? String == "stage" && nedMutes.first?["until"] as? String == until)
        #expect(try await run(["users", "show", "ned"]).stdout.contains("muted (1): in stage until \(until) (flooding)"))
        #expect(try await run(["rooms", "show", "stage"]).stdout.contains("muted (1): ned until \(until) (flooding)"))
        #expect(try await run(["rooms", "mute", "stage", "ghost"]).status == 1)

        // Lifted: unmuted, slow mode off, no topic.
        let unmuted = try await run(["rooms", "unmute", "stage", "ned"])
        #expect(unmuted.status == 0 && unmuted.stdout.contains("unmuted ned in stage"), "\(unmuted.stderr)")
        #expect(try await run(["rooms", "set", "stage", "--slow-mode", "off", "--no-topic"]).status == 0)
        try await ned.probeUntilAccepted()
        try await ned.probeUntilAccepted()  // slow mode is off too
        let after = try Self.object(try await run(["rooms", "show", "stage", "--json"]).stdout)
        #expect((after["mutes"] as? [Any])?.isEmpty == true)
        let cleared = try #require(after["rules"] as? [String: Any])
        #expect(cleared["readOnly"] as? Bool == false && cleared["slowModeSeconds"] as? Int == 0 && cleared["topic"] == nil)

        let records = try await Self.audited(store)
        #expect(records.map { $0.command } == ["rooms set", "rooms unmute", "rooms mute", "rooms mute", "rooms set", "rooms set"], "\(records)")
        #expect(records.map { $0.outcome } == ["ok", "ok", "error", "ok", "ok", "ok"], "\(records)")
        for socket in [mia, ned] { await socket.close() }
    }

    @Test(
        "on two processes over Redis: a read-only room refuses a non-moderator on both; users ban closes the user's sockets on both (1008), refuses its login with 403 and the reason, shows in users show and ends by itself; unconfirmed it changes nothing",
        .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
    func twoProcesses() async throws {
        let redis = try await RedisTestServer()
        defer { redis.stop() }
        let dataDir = Self.dataDir()
        let environment = ["SECRET_KEY": "rules-two-process-secret-0123456789ab", "REDIS_URI": "127.0.0.1:\(redis.port)"]
        let arguments = ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir]
        let nodeA = try ChatctlProcess(arguments, environment: environment)
        defer { nodeA.stop() }
        let nodeB = try ChatctlProcess(arguments, environment: environment)
        defer { nodeB.stop() }
        let portA = try await nodeA.waitForListeningPort()
        let portB = try await nodeB.waitForListeningPort()
        let a = "http://127.0.0.1:\(portA)", b = "http://127.0.0.1:\(portB)"
        let store = ["--data-dir", dataDir]
        func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await ChatctlProcess.run(arguments + store, environment: environment)
        }
        let people = try await NotificationServiceTests.members(["olga", "pete"], room: "hall", chat: a)
        let olgaOnA = TestSocket(url: "ws://127.0.0.1:\(portA)/ws/join/?name=hall&token=\(people[0].token)")
        let olgaOnB = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=hall&token=\(people[0].token)")
        let peteOnA = TestSocket(url: "ws://127.0.0.1:\(portA)/ws/join/?name=hall&token=\(people[1].token)")
        let peteOnB = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=hall&token=\(people[1].token)")
        for socket in [olgaOnA, olgaOnB, peteOnA, peteOnB] { _ = try await socket.nextArray() }

        #expect(try await run(["rooms", "set", "hall", "--read-only", "--add-moderators", "olga"]).status == 0)
        for pete in [peteOnA, peteOnB] {
            #expect(try await pete.probeUntilRefused() == "room is read-only: only its moderators post")
        }
        try await olgaOnB.probeUntilAccepted()

        // An hour, so that every check below sees it in force however slow the machine;
        // banned again for two seconds afterwards, to see it end by itself.
        let unconfirmed = try await run(["users", "ban", "olga", "--for", "1h", "--reason", "spam wave"])
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("pass --yes"), "\(unconfirmed.stderr)")
        let banned = try await run(["users", "ban", "olga", "--for", "1h", "--reason", "spam wave", "--yes"])
        #expect(banned.status == 0 && banned.stdout.contains("banned olga until"), "\(banned.stderr)")
        for socket in [olgaOnA, olgaOnB] {
            let close = try await socket.closeFrame()
            #expect(close?.closeCode == .policyViolation && close?.reason == "user banned", "close: \(String(describing: close))")
        }
        let (status, body) = try await TestHTTP.request("POST", "\(b)/api/user/login/", ["username": "olga", "password": "correct horse"])
        #expect(status == 403 && body["error"] as? String == "user is banned", "\(status) \(body)")
        let message = body["message"] as? String ?? ""
        #expect(message.hasPrefix("banned until ") && message.hasSuffix(": spam wave"), "\(body)")
        let shown = try Self.object(try await run(["users", "show", "olga", "--json"]).stdout)
        let user = try #require(shown["user"] as? [String: Any])
        let ban = try #require(user["ban"] as? [String: Any])
        #expect(user["status"] as? String == "banned" && ban["reason"] as? String == "spam wave" && ban["active"] as? Bool == true)
        #expect(ban["until"] as? String != nil && (ban["by"] as? String)?.contains("@") == true)
        #expect(try await run(["users", "list"]).stdout.contains("banned"))
        #expect(try await run(["users", "show", "olga"]).stdout.contains("banned until "))

        // Nothing runs to lift it: once its end has passed, logins work again.
        #expect(try await run(["users", "ban", "olga", "--for", "2s", "--reason", "spam wave", "--yes"]).status == 0)
        let over = try await waitUntil(every: .milliseconds(200)) {
            try await TestHTTP.request("POST", "\(a)/api/user/login/", ["username": "olga", "password": "correct horse"]).0 == 200
        }
        #expect(over, "the ban did not end by itself")
        let (oldToken, _) = try await TestHTTP.request("GET", "\(b)/api/room/list/", token: people[0].token)
        #expect(oldToken == 401, "a token from before the ban stays refused")
        let later = try Self.object(try await run(["users", "show", "olga", "--json"]).stdout)
        #expect((later["user"] as? [String: Any])?["status"] as? String == "active")
        #expect(try await run(["users", "unban", "olga"]).stdout.contains("olga was not banned"))

        let records = try await Self.audited(store, environment: environment)
        #expect(records.map { $0.command } == ["users unban", "users ban", "users ban", "users ban", "rooms set"], "\(records)")
        #expect(records.map { $0.outcome } == ["ok", "ok", "ok", "error", "ok"], "\(records)")
        for socket in [olgaOnA, olgaOnB, peteOnA, peteOnB] { await socket.close() }
        nodeA.stop()
        nodeB.stop()
        #expect(try await nodeA.waitForExit() == 0)
        #expect(try await nodeB.waitForExit() == 0)
    }
}
