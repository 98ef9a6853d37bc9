import ChatInProcess
import ChatCore
import InProcessTestSupport
import Foundation
import Testing

@Suite("use cases on the in-memory adapters")
struct UseCaseTests {
    @Test("sign up stores a bcrypt hash, never the password")
    func signUpHashes() async throws {
        let t = await TestPorts()
        let user = try await t.user("alice")
        #expect(user.passwordHash.hasPrefix("$2a$"))
        #expect(!user.passwordHash.contains("correct horse"))
        #expect(try await t.ports.store.user(named: "alice") == user)
    }

    @Test("sign up names the bad field", arguments: [
        ("", "a@example.com", "correct horse", "username"),
        ("al", "a@example.com", "correct horse", "username"),
        ("al ice", "a@example.com", "correct horse", "username"),
        ("alice", "", "correct horse", "email"),
        ("alice", "a@", "correct horse", "email"),
        ("alice", "a@example.com", "", "password"),
        ("alice", "a@example.com", String(repeating: "p", count: 73), "password"),
    ])
    func signUpValidation(username: String, email: String, password: String, field: String) async throws {
        let t = await TestPorts()
        let error = await #expect(throws: ChatError.self) {
            try await SignUp(ports: t.ports)(username: username, email: email, password: password)
        }
        #expect(error?.field == field)
        #expect(error?.kind == .invalidInput)
    }

    @Test("a duplicate username or email is a conflict naming the field")
    func signUpDuplicates() async throws {
        let t = await TestPorts()
        _ = try await t.user("bob")
        await #expect(throws: ChatError.usernameTaken) {
            try await SignUp(ports: t.ports)(username: "bob", email: "other@example.com", password: "correct horse")
        }
        await #expect(throws: ChatError.emailTaken) {
            try await SignUp(ports: t.ports)(username: "bobby", email: "bob@example.com", password: "correct horse")
        }
    }

    @Test("log in issues a token that authenticates; unknown user and wrong password fail alike")
    func logIn() async throws {
        let t = await TestPorts()
        let user = try await t.user("carol")
        let result = try await LogIn(ports: t.ports)(username: "carol", password: "correct horse")
        let identity = try await Authenticate(ports: t.ports)(token: result.token)
        #expect(identity.user == user)
        #expect(identity.claims.userID == user.id)
        await #expect(throws: ChatError.invalidCredentials) { try await LogIn(ports: t.ports)(username: "carol", password: "wrong horse") }
        await #expect(throws: ChatError.invalidCredentials) { try await LogIn(ports: t.ports)(username: "nobody", password: "wrong horse") }
    }

    @Test("log out revokes exactly that token")
    func logOut() async throws {
        let t = await TestPorts()
        _ = try await t.user("dan")
        let first = try await LogIn(ports: t.ports)(username: "dan", password: "correct horse").token
        let second = try await LogIn(ports: t.ports)(username: "dan", password: "correct horse").token
        #expect(first != second)
        try await LogOut(ports: t.ports)(try await Authenticate(ports: t.ports)(token: first))
        await #expect(throws: ChatError.self) { try await Authenticate(ports: t.ports)(token: first) }
        _ = try await Authenticate(ports: t.ports)(token: second)
    }

    @Test("create room makes the creator a member; a duplicate name is refused")
    func createRoom() async throws {
        let t = await TestPorts()
        let owner = try await t.user("erin")
        let room = try await CreateRoom(ports: t.ports)(name: "general", creator: owner)
        #expect(room.members == [owner.id])
        await #expect(throws: ChatError.roomExists) { try await CreateRoom(ports: t.ports)(name: "general", creator: owner) }
        await #expect(throws: ChatError.self) { try await CreateRoom(ports: t.ports)(name: "no/slashes", creator: owner) }
    }

    @Test("join adds the member and returns at most 50 recent messages, newest first")
    func joinRoom() async throws {
        let t = await TestPorts()
        let owner = try await t.user("frank")
        let guest = try await t.user("grace")
        let room = try await CreateRoom(ports: t.ports)(name: "busy", creator: owner)
        for index in 0..<60 {
            _ = try await PostMessage(ports: t.ports)(content: "m\(index)", from: owner, in: room)
        }
        let joined = try await JoinRoom(ports: t.ports)(room: room, user: guest)
        #expect(joined.recentMessages.count == 50)
        #expect(joined.recentMessages.first?.content == "m59")
        #expect(joined.recentMessages.last?.content == "m10")
        #expect(try await t.ports.store.room(named: "busy")?.members == [owner.id, guest.id])
        await #expect(throws: ChatError.roomNotFound) { try await JoinRoom(ports: t.ports).findRoom(named: "nowhere") }
    }

    @Test("post stores, then broadcasts once, then emits the event")
    func postMessage() async throws {
        let t = await TestPorts()
        let user = try await t.user("heidi")
        let room = try await CreateRoom(ports: t.ports)(name: "room", creator: user)
        let message = try await PostMessage(ports: t.ports)(content: "hello", from: user, in: room)
        #expect(try await t.ports.store.recentMessages(inRoom: room.id, limit: 10) == [message])
        #expect(t.receiver.delivered == [message])
        #expect(await t.events.events == [MessageEvent(message: message)])
        #expect(message.senderName == "heidi")
        #expect(message.roomName == "room")
    }

    @Test("bad content is refused and nothing is stored or broadcast", arguments: ["", "   \n", String(repeating: "x", count: 4097), "bell\u{07}"])
    func badContent(content: String) async throws {
        let t = await TestPorts()
        let user = try await t.user("ivan")
        let room = try await CreateRoom(ports: t.ports)(name: "room", creator: user)
        await #expect(throws: ChatError.self) { try await PostMessage(ports: t.ports)(content: content, from: user, in: room) }
        #expect(try await t.ports.store.recentMessages(inRoom: room.id, limit: 10).isEmpty)
        #expect(t.receiver.delivered.isEmpty)
    }

    @Test("content of exactly 4096 bytes is accepted")
    func maxContent() async throws {
        let t = await TestPorts()
        let user = try await t.user("judy")
        let room = try await CreateRoom(ports: t.ports)(name: "room", creator: user)
        let message = try await PostMessage(ports: t.ports)(content: String(repeating: "é", count: 2048), from: user, in: room)
        #expect(message.content.utf8.count == 4096)
    }

    @Test("a message the store refused is never broadcast")
    func storeFailure() async throws {
        let t = await TestPorts(store: FailingMessageStore())
        let user = try await t.user("kate")
        let room = try await CreateRoom(ports: t.ports)(name: "room", creator: user)
        await #expect(throws: ChatError.self) { try await PostMessage(ports: t.ports)(content: "lost?", from: user, in: room) }
        #expect(t.receiver.delivered.isEmpty)
        #expect(await t.events.events.isEmpty)
    }
}
