import ChatServer
import Testing

@Suite("WebSocket origins")
struct OriginTests {
    @Test("with an allow-list: a foreign Origin gets 403 before any upgrade; an allowed one and a request without Origin upgrade")
    func allowList() async throws {
        let settings = ChatServerSettings(host: "127.0.0.1", port: 0, allowedOrigins: ["https://chat.example.com", "http://localhost:3000"])
        try await LiveChat.run(settings: settings) { chat in
            let token = try await chat.user("olga")
            _ = try await chat.createRoom("lobby", token: token)
            let foreign = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token, origin: "https://evil.example.net")
            #expect(foreign.status == 403 && foreign.body == "origin not allowed")
            // Exact match only: another scheme or a suffix is foreign too.
            let scheme = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token, origin: "http://chat.example.com")
            #expect(scheme.status == 403)
            let allowed = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token, origin: "https://chat.example.com")
            #expect(allowed.status == 101)
            let noOrigin = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token)
            #expect(noOrigin.status == 101)
        }
    }

    @Test("without an allow-list any Origin upgrades")
    func anyOrigin() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("pavel")
            _ = try await chat.createRoom("lobby", token: token)
            let any = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token, origin: "https://anywhere.example")
            #expect(any.status == 101)
        }
    }
}

@Suite("message rate limit")
struct MessageRateLimitTests {
    @Test("a socket posting faster than the limit gets an error frame per refused message and nothing of it is stored; other sockets are not limited by it")
    func limited() async throws {
        // One token per 1,000 s: exactly the burst of 3 goes through, whatever the timing.
        let settings = ChatServerSettings(host: "127.0.0.1", port: 0, messageRateLimit: 0.001, messageRateBurst: 3)
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
