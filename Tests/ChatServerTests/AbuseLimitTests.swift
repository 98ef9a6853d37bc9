import ChatCore
import ChatServer
import ChatTestSupport
import Foundation
import Testing

@Suite("abuse limits: logins, connections, rooms")
struct AbuseLimitTests {
    @Test("failed logins for one username end in 429 with Retry-After, even with the right password; other users are unaffected")
    func loginThrottled() async throws {
        let settings = ChatServerSettings.testing { $0.loginPolicy = .init(failuresPerUser: 3, failuresPerAddress: 0, window: .seconds(600)) }
        try await LiveChat.run(settings: settings) { chat in
            _ = try await chat.user("gina", password: "right password 1")
            _ = try await chat.user("hal", password: "right password 2")
            for _ in 0..<3 {
                let wrong = try await chat.post("/api/user/login/", ["username": "gina", "password": "wrong guess"])
                #expect(wrong.status == .badRequest)
            }
            let refused = try await chat.post("/api/user/login/", ["username": "gina", "password": "right password 1"])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter].flatMap { Int($0) }.map { $0 > 0 && $0 <= 600 } == true)
            #expect((LiveChat.decode(refused)["error"] as? String)?.hasPrefix("too many failed logins; try again in ") == true)
            let other = try await chat.post("/api/user/login/", ["username": "hal", "password": "right password 2"])
            #expect(other.status == .ok)
        }
    }

    @Test("a user's WebSockets beyond limits.connections_per_user are refused with 429; closing one frees its slot")
    func connectionsCapped() async throws {
        let settings = ChatServerSettings.testing { $0.connectionsPerUser = 2 }
        try await LiveChat.run(settings: settings) { chat in
            let token = try await chat.user("ivy")
            let other = try await chat.user("jon")
            _ = try await chat.createRoom("lobby", token: token)
            let first = chat.socket(room: "lobby", token: token)
            let second = chat.socket(room: "lobby", token: token)
            _ = try await first.nextArray()
            _ = try await second.nextArray()
            let refused = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token)
            #expect(refused.status == 429)
            #expect(refused.body.contains("connection limit reached: a user may hold 2 WebSockets open on this service"))
            let someoneElse = chat.socket(room: "lobby", token: other)
            _ = try await someoneElse.nextArray()
            await first.close()
            // The slot comes back when the server sees the connection close (bounded wait).
            let admitted = try await waitUntil {
                try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token).status == 101
            }
            #expect(admitted)
            await second.close()
            await someoneElse.close()
        }
    }

    @Test("a client that drops its side of the connection without a close frame gives its slot back")
    func halfClosedSocketFreesSlot() async throws {
        let settings = ChatServerSettings.testing { $0.connectionsPerUser = 1 }
        try await LiveChat.run(settings: settings) { chat in
            let token = try await chat.user("hal")
            _ = try await chat.createRoom("lobby", token: token)
            let first = try await StalledWebSocket.open(port: chat.port, path: "/ws/join/?name=lobby", token: token)
            defer { first.close() }
            #expect(try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token).status == 429)
            first.shutdownWrite()
            let admitted = try await waitUntil {
                try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lobby", token: token).status == 101
            }
            #expect(admitted, "the half-closed socket still holds the user's only slot")
        }
    }

    @Test("creating or joining a room beyond limits.rooms_per_user is refused with 429; rooms already joined stay open")
    func roomsCapped() async throws {
        let settings = ChatServerSettings.testing { $0.roomsPerUser = 1 }
        try await LiveChat.run(settings: settings) { chat in
            let kim = try await chat.user("kim")
            let lee = try await chat.user("lee")
            #expect(try await chat.createRoom("first", token: kim).status == .ok)
            let second = try await chat.createRoom("second", token: kim)
            #expect(second.status == .tooManyRequests)
            #expect(LiveChat.decode(second)["error"] as? String == "room limit reached: a user may belong to at most 1 rooms")
            #expect(try await chat.createRoom("lees", token: lee).status == .ok)
            let join = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=lees", token: kim)
            #expect(join.status == 429)
            let own = chat.socket(room: "first", token: kim)
            _ = try await own.nextArray()
            await own.close()
        }
    }
}
