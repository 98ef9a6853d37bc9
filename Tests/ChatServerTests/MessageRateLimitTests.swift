import ChatServer
import Testing

@Suite("message rate limit")
struct MessageRateLimitTests {
    @Test("a socket posting faster than the limit gets an error frame per refused message and nothing of it is stored; other sockets are not limited by it")
    func limited() async throws {
        // One token per 1,000 s: exactly the burst of 3 goes through, whatever the timing.
        let settings = ChatServerSettings.testing { $0.messageRateLimit = 0.001; $0.messageRateBurst = 3 }
        try await LiveChat.run(settings: settings) { chat in
            let token = try await chat.user("quinn")
            _ = try await chat.createRoom("lobby", token: token)
            let socket = chat.socket(room: "lobby", token: token)
            _ = try await socket.nextArray()
            for index in 0..<6 { socket.send(#"{"type":"message","content":"m\#(index)"}"#) }
            var contents: [String] = []
            var errors: [String] = []
            for _ in 0..<6 {
                let frame = try await socket.nextObject()
                if let content = frame["content"] as? String { contents.append(content) }
                if let error = frame["error"] as? String { errors.append(error) }
            }
            #expect(contents == ["m0", "m1", "m2"])
            #expect(errors.count == 3)
            #expect(errors.first == "rate limit exceeded: at most 0.001 messages a second (bursts of 3); message not stored")
            let room = try #require(try await chat.ports.store.room(named: "lobby"))
            #expect(try await chat.ports.store.messageCounts(room: room.id).live == 3)
            // Another socket of the same user has its own bucket.
            let other = chat.socket(room: "lobby", token: token)
            _ = try await other.nextArray()
            other.send(#"{"type":"message","content":"other"}"#)
            #expect(try await other.nextObject()["content"] as? String == "other")
            await socket.close()
            await other.close()
        }
    }
}
