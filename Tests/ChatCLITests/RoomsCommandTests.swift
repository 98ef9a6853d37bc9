import ChatTestSupport
import Foundation
import Testing

@Suite("chatctl rooms")
struct RoomsCommandTests {
    @Test("list and show report members, messages and last activity; -q prints names; a missing room exits 1")
    func listAndShow() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-rooms-\(UUID().uuidString)").path
        let server = try ChatctlProcess(["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir], environment: ["SECRET_KEY": "rooms-cli-secret-0123456789abcdef"])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let people = try await NotificationServiceTests.members(["mia", "ned"], room: "plaza", chat: chat)
        let socket = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=plaza&token=\(people[0].token)")
        _ = try await socket.nextArray()
        for index in 0..<3 {
            socket.send(#"{"type":"message","content":"r\#(index)"}"#)
            _ = try await socket.nextObject()
        }
        await socket.close()
        let store = ["--data-dir", dataDir]

        let list = try await ChatctlProcess.run(["rooms", "list", "--json"] + store)
        let rooms = try #require((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["rooms"] as? [[String: Any]])
        let plaza = try #require(rooms.first { $0["name"] as? String == "plaza" })
        #expect(plaza["members"] as? Int == 2 && plaza["messages"] as? Int == 3 && plaza["archived"] as? Int == 0)
        #expect((plaza["lastActivity"] as? String)?.hasSuffix("Z") == true)
        #expect(try await ChatctlProcess.run(["rooms", "list", "-q"] + store).stdout == "plaza\n")

        let show = try await ChatctlProcess.run(["rooms", "show", "plaza"] + store)
        #expect(show.status == 0 && show.stdout.contains("members (2): mia, ned") && show.stdout.contains("messages 3"))
        let missing = try await ChatctlProcess.run(["rooms", "show", "nowhere"] + store)
        #expect(missing.status == 1 && missing.stderr.contains("room 'nowhere' does not exist"))
    }
}
