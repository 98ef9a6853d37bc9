import ChatTestSupport
import Foundation
import Testing

@Suite("chatctl archive and report")
struct ArchiveCLITests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("report, dry run, archive in batches, restore — as an operator runs them; bad input exits 64 naming the option")
    func operatorFlow() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-archive-\(UUID().uuidString)").path
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir], environment: ["SECRET_KEY": "archive-cli-secret-0123456789abcdef"])
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let people = try await NotificationServiceTests.members(["jay"], room: "arch", chat: chat)
        let socket = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=arch&token=\(people[0].token)")
        _ = try await socket.nextArray()
        for index in 0..<5 {
            socket.send(#"{"type":"message","content":"m\#(index)"}"#)
            _ = try await socket.nextObject()
        }
        await socket.close()
        server.stop()
        #expect(try await server.waitForExit() == 0)
        try await Task.sleep(for: .milliseconds(1200))
        let store = ["--data-dir", dataDir]

        let report = try await ChatctlProcess.run(["report", "old-messages", "--older-than", "1s", "--json"] + store)
        #expect(report.status == 0, "\(report.stderr)")
        let reported = try Self.json(report.stdout)
        #expect(reported["candidates"] as? Int == 5)
        let room = try #require((reported["rooms"] as? [[String: Any]])?.first)
        #expect(room["name"] as? String == "arch")
        #expect(room["bytes"] as? Int == 10)

        let dry = try Self.json(try await ChatctlProcess.run(["archive", "--older-than", "1s", "--dry-run", "--json"] + store).stdout)
        #expect(dry["dryRun"] as? Bool == true && dry["moved"] as? Int == 5)
        #expect(try Self.json(try await ChatctlProcess.run(["report", "old-messages", "--older-than", "1s", "--json"] + store).stdout)["candidates"] as? Int == 5,
                "the dry run changed nothing")

        let moved = try await ChatctlProcess.run(["archive", "--older-than", "1s", "--batch-size", "2", "--json"] + store)
        let run = try Self.json(moved.stdout)
        #expect(run["moved"] as? Int == 5 && run["batches"] as? Int == 3, "\(moved.stdout)\(moved.stderr)")
        #expect(try Self.json(try await ChatctlProcess.run(["report", "old-messages", "--older-than", "1s", "--json"] + store).stdout)["candidates"] as? Int == 0)

        let human = try await ChatctlProcess.run(["archive", "restore", "--room", "arch"] + store)
        #expect(human.status == 0)
        #expect(human.stdout.contains("restored 5 messages to room arch"))
        #expect(try Self.json(try await ChatctlProcess.run(["report", "old-messages", "--older-than", "1s", "--json"] + store).stdout)["candidates"] as? Int == 5)

        let badAge = try await ChatctlProcess.run(["archive", "--older-than", "30x"] + store)
        #expect(badAge.status == 64)
        #expect(badAge.stderr.contains("--older-than") && badAge.stderr.contains("30x"))
        let badRoom = try await ChatctlProcess.run(["archive", "--older-than", "1s", "--room", "nope"] + store)
        #expect(badRoom.status == 1)
        #expect(badRoom.stderr.contains("room 'nope' does not exist"))
    }
}
