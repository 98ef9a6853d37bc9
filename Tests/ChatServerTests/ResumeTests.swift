import ChatCore
import ChatServer
import Testing

@Suite("resume with since=")
struct ResumeTests {
    /// Posts `contents` from a socket of `token` in `room` and returns their ids, in order.
    static func post(_ contents: [String], chat: LiveChat, room: String, token: String) async throws -> [String] {
        let socket = chat.socket(room: room, token: token)
        _ = try await socket.nextArray()
        var ids: [String] = []
        for content in contents {
            socket.send(#"{"type":"message","content":"\#(content)"}"#)
            ids.append(try #require(try await socket.nextObject()["id"] as? String))
        }
        await socket.close()
        return ids
    }

    @Test("a client reconnecting with since=<last id> gets every later message, oldest first, then live ones, and no recent-messages frame")
    func resumesAfterADrop() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("rhea")
            _ = try await chat.createRoom("lobby", token: token)
            let ids = try await Self.post(["one", "two", "three", "four"], chat: chat, room: "lobby", token: token)
            let resumed = chat.socket(room: "lobby&since=\(ids[1])", token: token)
            #expect(try await resumed.nextObject()["content"] as? String == "three")
            let fourth = try await resumed.nextObject()
            #expect(fourth["content"] as? String == "four")
            #expect(fourth["id"] as? String == ids[3])
            resumed.send(#"{"type":"message","content":"five"}"#)
            #expect(try await resumed.nextObject()["content"] as? String == "five")
            await resumed.close()
        }
    }

    @Test("since= the newest message sends nothing until the next live message")
    func upToDate() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("rhea")
            _ = try await chat.createRoom("lobby", token: token)
            let ids = try await Self.post(["one"], chat: chat, room: "lobby", token: token)
            let resumed = chat.socket(room: "lobby&since=\(ids[0])", token: token)
            #expect(try await resumed.expectSilence(seconds: 0.3) == nil)
            resumed.send(#"{"type":"message","content":"two"}"#)
            #expect(try await resumed.nextObject()["content"] as? String == "two")
            await resumed.close()
        }
    }

    @Test("an id no longer in the room (archived, or never here) gets a resync frame, then the recent messages")
    func resyncWhenGone() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("rhea")
            _ = try await chat.createRoom("lobby", token: token)
            let ids = try await Self.post(["one", "two"], chat: chat, room: "lobby", token: token)
            let firstID = try #require(ObjectID(hex: ids[0]))
            // As archiving does: out of the store, and the room's cache dropped.
            #expect(try await chat.ports.store.deleteMessages(ids: [firstID]) == 1)
            let room = try #require(try await chat.ports.store.room(named: "lobby"))
            await chat.ports.cache.invalidate(room: room.id, name: room.name)
            let resumed = chat.socket(room: "lobby&since=\(ids[0])", token: token)
            let resync = try await resumed.nextObject()
            #expect(resync["type"] as? String == "resync")
            #expect((resync["reason"] as? String)?.contains(ids[0]) == true)
            let recent = try await resumed.nextArray()
            #expect(recent.map { $0["content"] as? String } == ["two"])
            await resumed.close()
        }
    }

    @Test("more missed messages than websocket.resume_limit: resync and the recent messages instead")
    func resyncBeyondLimit() async throws {
        let settings = ChatServerSettings.testing { $0.resumeLimit = 2 }
        try await LiveChat.run(settings: settings) { chat in
            let token = try await chat.user("rhea")
            _ = try await chat.createRoom("lobby", token: token)
            let ids = try await Self.post(["a", "b", "c", "d"], chat: chat, room: "lobby", token: token)
            let within = chat.socket(room: "lobby&since=\(ids[1])", token: token)
            #expect(try await within.nextObject()["content"] as? String == "c")
            #expect(try await within.nextObject()["content"] as? String == "d")
            await within.close()
            let beyond = chat.socket(room: "lobby&since=\(ids[0])", token: token)
            let resync = try await beyond.nextObject()
            #expect(resync["type"] as? String == "resync")
            #expect(resync["reason"] as? String == "more than 2 messages since \(ids[0])")
            #expect(try await beyond.nextArray().count == 4)
            await beyond.close()
        }
    }

    @Test("a since= that is not a message id is refused with 400 before the upgrade")
    func malformedSince() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("rhea")
            _ = try await chat.createRoom("lobby", token: token)
            let refused = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby&since=not-an-id", token: token)
            #expect(refused.status == 400)
            #expect(refused.body == "since must be a message id (24 hexadecimal digits)")
        }
    }
}
