import ChatCore
import ChatServer
import Testing

@Suite("idempotent sends with client_id")
struct ClientIDTests {
    @Test("the same client_id resent (also after a reconnect) is stored and broadcast once; the sender gets the stored message back each time")
    func resentOnce() async throws {
        try await LiveChat.run { chat in
            let sender = try await chat.user("sana")
            let reader = try await chat.user("rory")
            _ = try await chat.createRoom("lobby", token: sender)
            let watcher = chat.socket(room: "lobby", token: reader)
            _ = try await watcher.nextArray()
            let socket = chat.socket(room: "lobby", token: sender)
            _ = try await socket.nextArray()
            let frame = #"{"type":"message","content":"hello","client_id":"c-1"}"#
            socket.send(frame)
            let first = try await socket.nextObject()
            #expect(first["client_id"] as? String == "c-1")
            socket.send(frame)
            let again = try await socket.nextObject()
            #expect(again["id"] as? String == first["id"] as? String)
            #expect(again["seq"] as? Int == first["seq"] as? Int)
            await socket.close()
            // A new connection resending it: still the one message.
            let reconnected = chat.socket(room: "lobby", token: sender)
            _ = try await reconnected.nextArray()
            reconnected.send(frame)
            #expect(try await reconnected.nextObject()["id"] as? String == first["id"] as? String)
            reconnected.send(#"{"type":"message","content":"next","client_id":"c-2"}"#)
            #expect(try await reconnected.nextObject()["content"] as? String == "next")
            // The other member saw each message once.
            #expect(try await watcher.nextObject()["content"] as? String == "hello")
            #expect(try await watcher.nextObject()["content"] as? String == "next")
            // Nothing more on its way: the server's answer to a binary frame, queued behind
            // anything the room handed to the watcher, comes with nothing ahead of it.
            #expect(try await watcher.framesBeforeBinaryAnswer() == [])
            #expect(try await watcher.expectSilence(seconds: 0.3) == nil)
            let room = try #require(try await chat.ports.store.room(named: "lobby"))
            #expect(try await chat.ports.store.messageCounts(room: room.id).live == 2)
            await reconnected.close()
            await watcher.close()
        }
    }

    @Test("client ids are per sender: another user's same client_id is a new message")
    func perSender() async throws {
        try await LiveChat.run { chat in
            let first = try await chat.user("sana")
            let second = try await chat.user("rory")
            _ = try await chat.createRoom("lobby", token: first)
            for token in [first, second] {
                let socket = chat.socket(room: "lobby", token: token)
                _ = try await socket.nextArray()
                socket.send(#"{"type":"message","content":"hi","client_id":"same"}"#)
                _ = try await socket.nextObject()
                await socket.close()
            }
            let room = try #require(try await chat.ports.store.room(named: "lobby"))
            #expect(try await chat.ports.store.messageCounts(room: room.id).live == 2)
        }
    }

    @Test("a client_id that is not a short printable string gets an error frame naming client_id")
    func badClientID() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("sana")
            _ = try await chat.createRoom("lobby", token: token)
            let socket = chat.socket(room: "lobby", token: token)
            _ = try await socket.nextArray()
            socket.send(#"{"type":"message","content":"x","client_id":42}"#)
            #expect((try await socket.nextObject()["error"] as? String)?.contains("client_id") == true)
            socket.send(#"{"type":"message","content":"x","client_id":"\#(String(repeating: "k", count: 200))"}"#)
            #expect(try await socket.nextObject()["error"] as? String == "client_id exceeds 128 bytes")
            socket.send(#"{"type":"message","content":"x","client_id":""}"#)
            #expect(try await socket.nextObject()["error"] as? String == "client_id is empty")
            await socket.close()
        }
    }
}
