import ChatServer
import ChatTestSupport
import Testing

/// A running chat service reads its limits and origins from its `LiveSettings`: what a
/// configuration reload publishes there holds without a restart.
@Suite("live settings")
struct LiveSettingsTests {
    /// Reads `count` frames: the contents of the messages among them, and the errors.
    static func answers(_ socket: TestSocket, count: Int) async throws -> (contents: [String], errors: [String]) {
        var contents: [String] = []
        var errors: [String] = []
        for _ in 0..<count {
            let frame = try await socket.nextObject()
            if let content = frame["content"] as? String { contents.append(content) }
            if let error = frame["error"] as? String { errors.append(error) }
        }
        return (contents, errors)
    }

    @Test("a lower message rate limit published while a socket is open holds for that socket from its next frame; it stays open, and a lifted limit lets it post again")
    func rateLimitReachesOpenSocket() async throws {
        let settings = ChatServerSettings.testing { $0.messageRateLimit = 1000; $0.messageRateBurst = 1000 }
        let live = LiveSettings(settings.reloadable)
        try await LiveChat.run(settings: settings, live: live) { chat in
            let token = try await chat.user("rhea")
            _ = try await chat.createRoom("lobby", token: token)
            let socket = chat.socket(room: "lobby", token: token)
            _ = try await socket.nextArray()
            socket.send(TestSocket.message("before"))
            #expect(try await socket.nextObject()["content"] as? String == "before")

            // One token per 1,000 s: exactly the new burst of 2 goes through, whatever the timing.
            var lowered = live.current
            lowered.messageRateLimit = 0.001
            lowered.messageRateBurst = 2
            #expect(live.publish(lowered).generation == 1)
            for index in 0..<4 { socket.send(TestSocket.message("m\(index)")) }
            let limited = try await Self.answers(socket, count: 4)
            #expect(limited.contents == ["m0", "m1"])
            #expect(limited.errors == Array(repeating: "rate limit exceeded: at most 0.001 messages a second (bursts of 2); message not stored", count: 2))

            var lifted = live.current
            lifted.messageRateLimit = 0
            live.publish(lifted)
            socket.send(TestSocket.message("after"))
            #expect(try await socket.nextObject()["content"] as? String == "after")
            await socket.close()
        }
    }

    @Test("origins and the room limit published while running hold for the next upgrade and the next room created")
    func originsAndRooms() async throws {
        let settings = ChatServerSettings.testing()
        let live = LiveSettings(settings.reloadable)
        try await LiveChat.run(settings: settings, live: live) { chat in
            let token = try await chat.user("sven")
            _ = try await chat.createRoom("lobby", token: token)
            let path = "/ws/join/?name=lobby"
            #expect(try await RawUpgrade.attempt(port: chat.port, path: path, token: token, origin: "https://evil.example.net").status == 101)

            var next = live.current
            next.allowedOrigins = ["https://chat.example.com"]
            next.roomsPerUser = 1
            live.publish(next)
            #expect(try await RawUpgrade.attempt(port: chat.port, path: path, token: token, origin: "https://evil.example.net").status == 403)
            #expect(try await RawUpgrade.attempt(port: chat.port, path: path, token: token, origin: "https://chat.example.com").status == 101)
            #expect(try await chat.createRoom("second", token: token).status == .tooManyRequests)
        }
    }

    @Test("a socket limit published while a user holds a socket counts that socket; a login limit holds from the next login")
    func socketsAndLogins() async throws {
        let settings = ChatServerSettings.testing()
        let live = LiveSettings(settings.reloadable)
        try await LiveChat.run(settings: settings, live: live) { chat in
            let token = try await chat.user("tove", password: "right password 1")
            _ = try await chat.createRoom("lobby", token: token)
            let open = chat.socket(room: "lobby", token: token)
            _ = try await open.nextArray()

            var next = live.current
            next.connectionsPerUser = 1
            next.loginPolicy = .init(failuresPerUser: 1, failuresPerAddress: 0, window: .seconds(600))
            live.publish(next)
            let refused = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token)
            #expect(refused.status == 429, "the socket opened under no limit counts under the new one")

            let wrong = try await chat.post("/api/user/login/", ["username": "tove", "password": "wrong guess"])
            #expect(wrong.status == .badRequest)
            let throttled = try await chat.post("/api/user/login/", ["username": "tove", "password": "right password 1"])
            #expect(throttled.status == .tooManyRequests)
            await open.close()
        }
    }
}
