import ChatTestSupport
import Foundation
import Testing

@Suite("chatctl reports")
struct ReportsCLITests {
    @Test("a member's report over HTTP is listed by reports list; reports resolve --action delete deletes the message (its room is told), resolves the report once, and is audited")
    func reportListResolve() async throws {
        let store = ["--data-dir", ModerationCLITests.dataDir()]
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0"] + store, environment: ["SECRET_KEY": "reports-cli-secret-0123456789abcdef"])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let ws = chat.replacingOccurrences(of: "http", with: "ws")
        let people = try await NotificationServiceTests.members(["mia", "ned"], room: "plaza", chat: chat)
        let mia = TestSocket(url: "\(ws)/ws/join/?name=plaza&token=\(people[0].token)")
        _ = try await mia.nextArray()
        mia.send(TestSocket.message("buy cheap watches"))
        let messageID = try #require(try await mia.nextObject()["id"] as? String)

        let (status, created) = try await TestHTTP.request(
            "POST", "\(chat)/api/message/report/", ["id": messageID, "reason": "spam"], token: people[1].token)
        #expect(status == 201, "\(created)")
        let reportID = try #require(created["id"] as? String)

        let listed = try await ChatctlProcess.run(["reports", "list", "--open", "--json"] + store)
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try #require(try ModerationCLITests.object(listed.stdout)["reports"] as? [[String: Any]])
        let row = try #require(rows.first)
        #expect(rows.count == 1 && row["id"] as? String == reportID && row["messageId"] as? String == messageID)
        #expect(row["room"] as? String == "plaza" && row["reporter"] as? String == "ned" && row["sender"] as? String == "mia")
        #expect(row["excerpt"] as? String == "buy cheap watches" && row["reason"] as? String == "spam" && row["status"] as? String == "open")
        let table = try await ChatctlProcess.run(["reports"] + store)
        #expect(table.status == 0 && table.stdout.hasPrefix("ID") && table.stdout.contains("buy cheap watches"), "\(table.stdout)\(table.stderr)")

        // Usage errors: changed nothing, recorded nothing.
        #expect(try await ChatctlProcess.run(["reports", "resolve", reportID, "--action", "delete", "--for", "1h"] + store).status == 64)
        #expect(try await ChatctlProcess.run(["reports", "resolve", reportID, "--action", "erase"] + store).status == 64)
        #expect(try await ChatctlProcess.run(["reports", "resolve", "not-an-id", "--action", "none"] + store).status == 64)

        let resolved = try await ChatctlProcess.run(["reports", "resolve", reportID, "--action", "delete", "--note", "spam wave", "--json"] + store)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let outcome = try ModerationCLITests.object(resolved.stdout)
        #expect((outcome["effect"] as? [String: Any])?["kind"] as? String == "deleted", "\(outcome)")
        let report = try #require(outcome["report"] as? [String: Any])
        let resolution = try #require(report["resolution"] as? [String: Any])
        #expect(report["status"] as? String == "resolved" && resolution["action"] as? String == "delete")
        #expect(resolution["note"] as? String == "spam wave" && (resolution["by"] as? String)?.contains("@") == true)

        let frame = try await mia.nextObject("the deleted frame")
        #expect(frame["type"] as? String == "deleted" && frame["id"] as? String == messageID, "\(frame); server:\n\(server.stderr.suffix(1500))")
        let gone = try await ChatctlProcess.run(["messages", "show", messageID] + store)
        #expect(gone.status == 1 && gone.stderr.contains("does not exist"))

        let twice = try await ChatctlProcess.run(["reports", "resolve", reportID, "--action", "none"] + store)
        #expect(twice.status == 1 && twice.stderr.contains("report already resolved: delete by "), "\(twice.stderr)")
        let openOnes = try ModerationCLITests.object(try await ChatctlProcess.run(["reports", "list", "--open", "--json"] + store).stdout)
        #expect((openOnes["reports"] as? [Any])?.isEmpty == true)
        let all = try #require(try ModerationCLITests.object(try await ChatctlProcess.run(["reports", "list", "--json"] + store).stdout)["reports"] as? [[String: Any]])
        #expect(all.count == 1 && all.first?["status"] as? String == "resolved" && all.first?["excerpt"] == nil, "the message is gone: \(all)")

        let records = try ModerationCLITests.records(try await ChatctlProcess.run(["audit", "list", "--json"] + store))
        #expect(records.compactMap { $0["command"] as? String } == ["reports resolve", "reports resolve"], "\(records)")
        #expect(records.map { $0["outcome"] as? String } == ["error", "ok"])
        #expect(records.allSatisfy { $0["target"] as? String == reportID })
        let arguments = try #require(records.last?["arguments"] as? [String: Any])
        #expect(arguments["action"] as? String == "delete" && arguments["note"] as? String == "spam wave")
        await mia.close()
    }

    @Test("--help tells `reports` and `report old-messages` apart")
    func helpTellsThemApart() async throws {
        let reports = try await ChatctlProcess.run(["reports", "--help"])
        // (Words only: the help wraps lines wherever a space falls.)
        #expect(reports.status == 0 && reports.stdout.contains("old-messages"), "\(reports.stdout)")
        let report = try await ChatctlProcess.run(["report", "--help"])
        #expect(report.status == 0 && report.stdout.contains("list|resolve"), "\(report.stdout)")
    }
}
