import ChatServer
import Testing

@Suite("WebSocket origins")
struct OriginTests {
    @Test("with an allow-list: a foreign Origin gets 403 before any upgrade; an allowed one and a request without Origin upgrade")
    func allowList() async throws {
        let settings = ChatServerSettings.testing { $0.allowedOrigins = ["https://chat.example.com", "http://localhost:3000"] }
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
