import ChatCore
import Foundation
import HTTPTypes
import Testing

@Suite("room endpoints over real sockets")
struct RoomEndpointTests {
    @Test("create answers 200 'room created'; a duplicate answers 400 'room already exists'")
    func createAndDuplicate() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("frank")
            let created = try await chat.createRoom("general", token: token)
            #expect(created.status == .ok)
            #expect(String(buffer: created.body) == "room created")
            let again = try await chat.createRoom("general", token: token)
            #expect(again.status == .badRequest)
            #expect(String(buffer: again.body) == "room already exists")
        }
    }

    @Test("room names are validated", arguments: ["", "a/b", "x*", "../etc", String(repeating: "r", count: 65), "with space"])
    func badNames(name: String) async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("grace")
            let response = try await chat.createRoom(name, token: token)
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains("name"))
        }
    }

    @Test("list maps each room to its connected sockets")
    func listCounts() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("heidi")
            _ = try await chat.createRoom("busy", token: token)
            _ = try await chat.createRoom("quiet", token: token)
            let socket = chat.socket(room: "busy", token: token)
            _ = try await socket.next("history")
            let list = LiveChat.decode(try await chat.get("/api/room/list/", token: token))
            #expect(list["busy"] as? Int == 1)
            #expect(list["quiet"] as? Int == 0)
            await socket.close()
        }
    }

    @Test("room endpoints refuse a request without a token with 401")
    func needsToken() async throws {
        try await LiveChat.run { chat in
            let list = try await chat.get("/api/room/list/")
            let create = try await chat.post("/api/room/create/", ["name": "x"])
            #expect(list.status == .unauthorized)
            #expect(create.status == .unauthorized)
        }
    }
}
