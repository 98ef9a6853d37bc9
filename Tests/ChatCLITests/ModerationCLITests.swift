import ChatTestSupport
import Foundation
import Testing

@Suite("chatctl messages and audit")
struct ModerationCLITests {
    static func dataDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-moderation-\(UUID().uuidString)").path
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    /// The records of `audit list --json`'s output.
    static func records(_ output: (status: Int32, stdout: String, stderr: String)) throws -> [[String: Any]] {
        try #require(try object(output.stdout)["records"] as? [[String: Any]], "\(output.stderr)")
    }

    @Test("messages redact and delete reach a live serve chat on the embedded default; list, show, the next history and a resume agree; each attempt is audited")
    func embeddedDefault() async throws {
        let store = ["--data-dir", Self.dataDir()]
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0"] + store, environment: ["SECRET_KEY": "moderation-cli-secret-0123456789abcdef"])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let ws = chat.replacingOccurrences(of: "http", with: "ws")
        let people = try await NotificationServiceTests.members(["mia", "ned"], room: "plaza", chat: chat)
        let mia = TestSocket(url: "\(ws)/ws/join/?name=plaza&token=\(people[0].token)")
        let ned = TestSocket(url: "\(ws)/ws/join/?name=plaza&token=\(people[1].token)")
        _ = try await mia.nextArray()
        _ = try await ned.nextArray()
        var ids: [String] = []
        for content in ["hello", "buy cheap watches", "more spam"] {
            mia.send(TestSocket.message(content))
            ids.append(try #require(try await mia.nextObject()["id"] as? String))
            _ = try await ned.nextObject()
        }

        let listed = try await ChatctlProcess.run(["messages", "list", "plaza", "--sender", "mia", "--json"] + store)
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try #require(try Self.object(listed.stdout)["messages"] as? [[String: Any]])
        #expect(rows.compactMap { $0["id"] as? String } == Array(ids.reversed()), "newest first")
        #expect(try await ChatctlProcess.run(["messages", "list", "plaza", "--sender", "ned", "--json"] + store).stdout.contains(#""messages" : ["#))
        let shown = try Self.object(try await ChatctlProcess.run(["messages", "show", ids[1], "--json"] + store).stdout)
        #expect(shown["content"] as? String == "buy cheap watches" && shown["sender"] as? String == "mia" && shown["room"] as? String == "plaza")
        #expect(shown["place"] as? String == "live" && shown["seq"] as? Int == 2 && shown["redaction"] == nil)

        let redact = try await ChatctlProcess.run(["messages", "redact", ids[1], "--reason", "spam", "--yes"] + store)
        #expect(redact.status == 0 && redact.stdout.contains("redacted message \(ids[1])"), "\(redact.stderr)")
        for socket in [mia, ned] {
            let frame = try await socket.nextObject("the redacted frame")
            #expect(frame["type"] as? String == "redacted" && frame["id"] as? String == ids[1], "\(frame); server:\n\(server.stderr.suffix(1500))")
        }
        let after = try Self.object(try await ChatctlProcess.run(["messages", "show", ids[1], "--json"] + store).stdout)
        let redaction = try #require(after["redaction"] as? [String: Any])
        #expect(after["content"] as? String == "" && after["seq"] as? Int == 2)
        #expect(redaction["reason"] as? String == "spam" && (redaction["by"] as? String)?.contains("@") == true)
        #expect(try await ChatctlProcess.run(["messages", "show", ids[1]] + store).stdout.contains("redacted "))

        let unconfirmed = try await ChatctlProcess.run(["messages", "delete", ids[2]] + store)
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("pass --yes"))
        let deleted = try await ChatctlProcess.run(["messages", "delete", ids[2], "--yes", "--json"] + store)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect((try Self.object(deleted.stdout)["deleted"] as? [String: Any])?["content"] as? String == "more spam")
        for socket in [mia, ned] {
            let frame = try await socket.nextObject("the deleted frame")
            #expect(frame["type"] as? String == "deleted" && frame["id"] as? String == ids[2], "\(frame)")
        }
        let gone = try await ChatctlProcess.run(["messages", "show", ids[2]] + store)
        #expect(gone.status == 1 && gone.stderr.contains("does not exist"))
        #expect(try await ChatctlProcess.run(["messages", "show", "not-an-id"] + store).status == 64)

        // The node dropped its cached history: the next join and a resume read the store.
        let joiner = TestSocket(url: "\(ws)/ws/join/?name=plaza&token=\(people[1].token)")
        let history = try await joiner.nextArray()
        #expect(history.compactMap { $0["id"] as? String } == [ids[1], ids[0]])
        #expect(history.first?["content"] as? String == "" && history.first?["redacted"] as? Bool == true)
        let resumed = TestSocket(url: "\(ws)/ws/join/?name=plaza&since=\(ids[0])&token=\(people[1].token)")
        let missed = try await resumed.nextObject()
        #expect(missed["id"] as? String == ids[1] && missed["content"] as? String == "" && missed["redacted"] as? Bool == true)
        #expect(try await ChatctlProcess.run(["rooms", "show", "plaza"] + store).stdout.contains("messages 2"))

        let records = try Self.records(try await ChatctlProcess.run(["audit", "list", "--json"] + store))
        #expect(records.compactMap { $0["command"] as? String } == ["messages delete", "messages delete", "messages redact"], "\(records)")
        #expect(records.map { $0["outcome"] as? String } == ["ok", "error", "ok"])
        #expect(records.allSatisfy { $0["target"] as? String != nil })
        #expect(records[2]["target"] as? String == ids[1] && (records[2]["arguments"] as? [String: Any])?["reason"] as? String == "spam")
        for socket in [mia, ned, joiner, resumed] { await socket.close() }
    }

    @Test("the audit trail holds one record per changing command (failed and unconfirmed ones too) and none for read-only ones or dry runs; no secret is in it")
    func oneRecordPerChange() async throws {
        let store = ["--data-dir", Self.dataDir()]
        let secret = ["SECRET_KEY": "audit-cli-secret-0123456789abcdef0123"]
        func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await ChatctlProcess.run(arguments + store, environment: environment, stdin: stdin)
        }
        // (arguments, stdin, exit status, recorded as)
        let steps: [([String], String?, Int32, String?)] = [
            (["users", "create", "olga", "--email", "olga@example.com", "--password-stdin"], "correct horse battery\n", 0, "users create"),
            (["users", "create", "pete", "--email", "pete@example.com", "--password-stdin"], "correct horse battery\n", 0, "users create"),
            (["users", "list"], nil, 0, nil),
            (["users", "show", "olga"], nil, 0, nil),
            (["rooms", "create", "hall", "--owner", "olga"], nil, 0, "rooms create"),
            (["rooms", "list"], nil, 0, nil),
            (["rooms", "add-member", "hall", "pete"], nil, 0, "rooms add-member"),
            (["rooms", "members", "hall"], nil, 0, nil),
            (["rooms", "set", "hall", "--slow-mode", "10s"], nil, 0, "rooms set"),
            (["rooms", "mute", "hall", "pete", "--for", "1h"], nil, 0, "rooms mute"),
            (["rooms", "unmute", "hall", "pete"], nil, 0, "rooms unmute"),
            (["post", "hall", "--system", "maintenance at ten"], nil, 0, "post"),
            (["post", "hall", "--as", "olga", "hello hall"], nil, 0, "post"),
            (["archive", "plan"], nil, 0, nil),
            (["reports", "list"], nil, 0, nil),
            (["users", "ban", "pete", "--for", "1h", "--yes"], nil, 0, "users ban"),
            (["users", "unban", "pete"], nil, 0, "users unban"),
            (["users", "purge-messages", "olga", "--dry-run"], nil, 0, nil),
            (["users", "export", "olga"], nil, 0, nil),
            (["rooms", "export", "hall"], nil, 0, nil),
            (["users", "purge-messages", "olga", "--redact", "--yes"], nil, 0, "users purge-messages"),
            (["nodes", "list"], nil, 0, nil),
            (["rooms", "remove-member", "hall", "pete"], nil, 0, "rooms remove-member"),
            (["users", "disable", "pete"], nil, 0, "users disable"),
            (["users", "enable", "pete"], nil, 0, "users enable"),
            (["users", "set-password", "pete", "--password-stdin"], "battery staple horse\n", 0, "users set-password"),
            (["archive", "--older-than", "30d", "--dry-run"], nil, 0, nil),
            (["archive", "--older-than", "30d"], nil, 0, "archive run"),
            (["report", "old-messages", "--older-than", "30d"], nil, 0, nil),
            (["messages", "list", "hall"], nil, 0, nil),
            (["users", "disable", "ghost"], nil, 1, "users disable"),
            (["rooms", "delete", "hall"], nil, 1, "rooms delete"),
            (["rooms", "delete", "hall", "--yes"], nil, 0, "rooms delete"),
            (["users", "delete", "pete", "--yes"], nil, 0, "users delete"),
            (["config", "show"], nil, 0, nil),
        ]
        for (arguments, stdin, status, _) in steps {
            let result = try await run(arguments, stdin: stdin)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
        }
        let issued = try await run(["token", "issue", "olga"], environment: secret)
        #expect(issued.status == 0, "\(issued.stderr)")
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await run(["token", "verify", token], environment: secret).status == 0)
        let expected = steps.compactMap { $0.3 } + ["token issue"]

        let listed = try await run(["audit", "list", "--json"])
        let records = try Self.records(listed)
        #expect(records.compactMap { $0["command"] as? String } == Array(expected.reversed()), "newest first: \(records)")
        let failed = records.filter { $0["outcome"] as? String == "error" }
        #expect(failed.compactMap { $0["target"] as? String } == ["hall", "ghost"])
        #expect(failed.allSatisfy { ($0["error"] as? String)?.isEmpty == false })
        #expect(records.first?["target"] as? String == "olga" && records.first?["arguments"] as? [String: Any] != nil)
        for secretText in ["correct horse battery", "battery staple horse", token, "audit-cli-secret"] {
            #expect(!listed.stdout.contains(secretText), "the trail holds a secret")
        }
        let actor = try #require(records.first?["user"] as? String)
        #expect(records.allSatisfy { $0["user"] as? String == actor && ($0["host"] as? String)?.isEmpty == false })
        let host = try #require(records.first?["host"] as? String)

        #expect(try Self.records(try await run(["audit", "list", "--json", "--actor", actor])).count == expected.count)
        #expect(try Self.records(try await run(["audit", "list", "--json", "--actor", "\(actor)@\(host)"])).count == expected.count)
        #expect(try Self.records(try await run(["audit", "list", "--json", "--actor", "someone-else"])).isEmpty)
        #expect(try Self.records(try await run(["audit", "list", "--json", "--limit", "2"])).count == 2)
        let newest = try #require(records.first?["at"] as? String)
        #expect(try Self.records(try await run(["audit", "list", "--json", "--since", newest])).compactMap { $0["command"] as? String } == ["token issue"])
        #expect(try Self.records(try await run(["audit", "list", "--json", "--since", "1h"])).count == expected.count)
        #expect(try Self.records(try await run(["audit", "list", "--json", "--since", "2000-01-01T00:00:00Z"])).count == expected.count)
        let table = try await run(["audit"])
        #expect(table.status == 0 && table.stdout.hasPrefix("TIME") && table.stdout.contains("users disable") && table.stdout.contains("error: "))
        #expect(try await run(["audit", "list", "--since", "yesterday"]).status == 64)
        #expect(try Self.records(try await run(["audit", "list", "--json"])).count == expected.count, "reading the trail records nothing")
    }
}
