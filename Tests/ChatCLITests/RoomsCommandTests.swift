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

        // --live asks every registered chat node's operator API, with an operator token signed by the CLI.
        _ = try await server.waitForLog(#"msg="node registered""#)
        let joined = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=plaza&token=\(people[1].token)")
        _ = try await joined.nextArray()
        let live = try await ChatctlProcess.run(["rooms", "list", "--live", "--json"] + store, environment: ["SECRET_KEY": "rooms-cli-secret-0123456789abcdef"])
        #expect(live.status == 0, "\(live.stderr)")
        let liveRooms = try #require((try JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [String: Any])?["rooms"] as? [[String: Any]])
        #expect(liveRooms.first?["connected"] as? Int == 1)
        let wrongKey = try await ChatctlProcess.run(["rooms", "list", "--live"] + store, environment: ["SECRET_KEY": "another-secret-0123456789abcdef012"])
        #expect(wrongKey.status == 1 && wrongKey.stderr.contains("answered 401"), "\(wrongKey.stderr)")
        await joined.close()

        let show = try await ChatctlProcess.run(["rooms", "show", "plaza"] + store)
        #expect(show.status == 0 && show.stdout.contains("members (2): mia, ned") && show.stdout.contains("messages 3"))
        let missing = try await ChatctlProcess.run(["rooms", "show", "nowhere"] + store)
        #expect(missing.status == 1 && missing.stderr.contains("room 'nowhere' does not exist"))
    }

    @Test("create (with --owner), members, add-member, remove-member, delete with and without --archive-messages (confirmation rules)")
    func manageRooms() async throws {
        let store = ["--data-dir", FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-rooms-\(UUID().uuidString)").path]
        for name in ["owen", "pia"] {
            let created = try await ChatctlProcess.run(["users", "create", name, "--email", "\(name)@example.com", "--password-stdin"] + store, stdin: "correct horse\n")
            #expect(created.status == 0, "\(created.stderr)")
        }
        let created = try await ChatctlProcess.run(["rooms", "create", "hall", "--owner", "owen", "--json"] + store)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains(#""name" : "hall""#) && created.stdout.contains(#""members" : 1"#))
        let bad = try await ChatctlProcess.run(["rooms", "create", "a/b"] + store)
        #expect(bad.status == 1 && bad.stderr.contains("name may contain only"))
        let taken = try await ChatctlProcess.run(["rooms", "create", "hall"] + store)
        #expect(taken.status == 1 && taken.stderr.contains("room already exists"))
        let noOwner = try await ChatctlProcess.run(["rooms", "create", "side", "--owner", "ghost"] + store)
        #expect(noOwner.status == 1 && noOwner.stderr.contains("user 'ghost' does not exist"))
        #expect(try await ChatctlProcess.run(["rooms", "list", "-q"] + store).stdout == "hall\n")

        #expect(try await ChatctlProcess.run(["rooms", "add-member", "hall", "pia"] + store).stdout == "added pia to hall\n")
        #expect(try await ChatctlProcess.run(["rooms", "add-member", "hall", "pia"] + store).stdout == "pia already is a member of hall\n")
        #expect(try await ChatctlProcess.run(["rooms", "members", "hall", "-q"] + store).stdout == "owen\npia\n")
        let members = try await ChatctlProcess.run(["rooms", "members", "hall", "--json"] + store)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(members.stdout.utf8)) as? [String: Any])
        #expect((object["members"] as? [[String: Any]])?.compactMap { $0["username"] as? String } == ["owen", "pia"])
        #expect(try await ChatctlProcess.run(["rooms", "remove-member", "hall", "owen"] + store).stdout == "removed owen from hall\n")
        #expect(try await ChatctlProcess.run(["rooms", "remove-member", "hall", "owen"] + store).stdout == "owen was not a member of hall\n")
        #expect(try await ChatctlProcess.run(["rooms", "members", "hall"] + store).stdout.contains("pia@example.com"))

        // Messages through the running service, then delete with --archive-messages.
        let server = try ChatctlProcess(["serve", "chat", "--host", "127.0.0.1", "--port", "0"] + store, environment: ["SECRET_KEY": "rooms-cli-secret-0123456789abcdef"])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let (_, login) = try await TestHTTP.request("POST", "\(chat)/api/user/login/", ["username": "pia", "password": "correct horse"])
        let token = try #require(login["token"] as? String)
        _ = try await TestHTTP.request("POST", "\(chat)/api/room/create/", ["name": "tmp"], token: token)
        for room in ["hall", "tmp"] {
            let socket = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=\(room)&token=\(token)")
            _ = try await socket.nextArray()
            for index in 0..<4 {
                socket.send(#"{"type":"message","content":"m\#(index)"}"#)
                _ = try await socket.nextObject()
            }
            await socket.close()
        }
        let unconfirmed = try await ChatctlProcess.run(["rooms", "delete", "hall"] + store)
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("Delete room hall and delete its 4 messages for good? Not confirmed: pass --yes"))
        let archived = try await ChatctlProcess.run(["rooms", "delete", "hall", "--archive-messages", "--yes", "--json"] + store)
        #expect(archived.status == 0, "\(archived.stderr)")
        #expect(archived.stdout.contains(#""archived" : 4"#) && archived.stdout.contains(#""deleted" : 0"#))
        let deleted = try await ChatctlProcess.run(["rooms", "delete", "tmp", "--yes"] + store)
        #expect(deleted.stdout == "deleted room tmp; messages archived 0, deleted 4\n", "\(deleted.stderr)")
        #expect(try await ChatctlProcess.run(["rooms", "list", "-q"] + store).stdout == "")
        #expect(try await TestHTTP.request("GET", "\(chat)/api/room/list/", token: token).0 == 200)
        let gone = try await ChatctlProcess.run(["rooms", "members", "hall"] + store)
        #expect(gone.status == 1 && gone.stderr.contains("room does not exist"))
    }
}
