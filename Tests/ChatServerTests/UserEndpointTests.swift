import ChatCore
import ChatTestSupport
import Foundation
import HTTPTypes
import Testing

@Suite("user endpoints over real sockets")
struct UserEndpointTests {
    @Test("signup answers 201, a duplicate username or email 409")
    func signupAndDuplicates() async throws {
        try await LiveChat.run { chat in
            let created = try await chat.post("/api/user/signup/", ["username": "alice", "email": "alice@example.com", "password": "correct horse"])
            #expect(created.status == .created)
            #expect(LiveChat.decode(created)["message"] as? String == "User registered successfully")

            let sameName = try await chat.post("/api/user/signup/", ["username": "alice", "email": "other@example.com", "password": "correct horse"])
            #expect(sameName.status == .conflict)
            #expect(LiveChat.decode(sameName)["field"] as? String == "username")

            let sameEmail = try await chat.post("/api/user/signup/", ["username": "alice2", "email": "alice@example.com", "password": "correct horse"])
            #expect(sameEmail.status == .conflict)
            #expect(LiveChat.decode(sameEmail)["field"] as? String == "email")
        }
    }

    @Test("a bad signup field answers 400 naming it", arguments: [
        (["email": "a@example.com", "password": "correct horse"], "username"),
        (["username": "ab", "email": "a@example.com", "password": "correct horse"], "username"),
        (["username": "bad name!", "email": "a@example.com", "password": "correct horse"], "username"),
        (["username": ["$gt": ""], "email": "a@example.com", "password": "correct horse"], "username"),
        (["username": "carol", "password": "correct horse"], "email"),
        (["username": "carol", "email": "not-an-address", "password": "correct horse"], "email"),
        (["username": "carol", "email": "a@example.com"], "password"),
        (["username": "carol", "email": "a@example.com", "password": "short"], "password"),
        (["username": "carol", "email": "a@example.com", "password": 12345678], "password"),
    ] as [([String: any Sendable], String)])
    func badSignupField(body: [String: any Sendable], field: String) async throws {
        try await LiveChat.run { chat in
            let response = try await chat.post("/api/user/signup/", body)
            #expect(response.status == .badRequest)
            #expect(LiveChat.decode(response)["field"] as? String == field)
            #expect((LiveChat.decode(response)["error"] as? String)?.contains(field) == true)
        }
    }

    @Test("a body that is not JSON answers 400")
    func malformedBody() async throws {
        try await LiveChat.run { chat in
            let response = try await chat.client.execute(
                uri: "/api/user/signup/", method: .post, headers: [.contentType: "application/json"], body: .init(string: #"{"username":"al"#))
            #expect(response.status == .badRequest)
            #expect(LiveChat.decode(response)["field"] as? String == "body")
        }
    }

    @Test("login answers a token; unknown user and wrong password answer the same 400")
    func login() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("dave")
            #expect(token.split(separator: ".").count == 3)

            let wrongPassword = try await chat.post("/api/user/login/", ["username": "dave", "password": "wrong password"])
            let unknownUser = try await chat.post("/api/user/login/", ["username": "nobody", "password": "wrong password"])
            #expect(wrongPassword.status == .badRequest)
            #expect(unknownUser.status == .badRequest)
            #expect(LiveChat.decode(wrongPassword)["error"] as? String == LiveChat.decode(unknownUser)["error"] as? String)
        }
    }

    @Test("logout revokes the token; a new login works")
    func logout() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("erin")
            #expect(try await chat.get("/api/room/list/", token: token).status == .ok)
            #expect(try await chat.post("/api/user/logout/", [:], token: token).status == .ok)
            #expect(try await chat.get("/api/room/list/", token: token).status == .unauthorized)
            let login = try await chat.post("/api/user/login/", ["username": "erin", "password": "correct horse battery"])
            let fresh = try #require(LiveChat.decode(login)["token"] as? String)
            #expect(try await chat.get("/api/room/list/", token: fresh).status == .ok)
        }
    }
}

@Suite("signup uniqueness under concurrency")
struct ConcurrentSignupTests {
    @Test("two concurrent signups with one username: one 201, one 409", arguments: TestStores.kinds)
    func race(kind: TestStores.Kind) async throws {
        try await LiveChat.run(ports: await ChatPorts.inMemory(store: try await TestStores.make(kind), logLevel: .warning)) { chat in
            async let first = chat.post("/api/user/signup/", ["username": "twin", "email": "one@example.com", "password": "correct horse"])
            async let second = chat.post("/api/user/signup/", ["username": "twin", "email": "two@example.com", "password": "correct horse"])
            let statuses = [try await first.status.code, try await second.status.code].sorted()
            #expect(statuses == [201, 409])
        }
    }
}
