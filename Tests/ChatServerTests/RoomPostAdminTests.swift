import ChatBackends
import ChatCore
import ChatServer
import ChatTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// `POST /admin/rooms/<room id>/messages` on a live chat node's operator API: what
/// `chatctl post` asks a node to do.
@Suite("operator API: announcements")
struct RoomPostAdminTests {
    /// Runs `body` with a live chat service and its operator API (the announcement route),
    /// both on the same ports, then stops them.
    static func run(_ body: @Sendable (LiveChat, any TestClientProtocol) async throws -> Void) async throws {
        try await LiveChat.run { chat in
            var logger = Logger(label: "admin-post-test")
            logger.logLevel = .critical
            let tokens = await JWTOperatorTokens(secret: LiveChat.secret)
            let api = AdminApplication.build(host: "127.0.0.1", port: 0, routes: [RoomPostAdminRoutes(ports: chat.ports)], tokens: tokens, logger: logger)
            try await api.test(.live) { admin in try await body(chat, admin) }
        }
    }

    static func post(_ admin: any TestClientProtocol, room: String, _ body: [String: Any], token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await admin.execute(uri: "/admin/rooms/\(room)/messages", method: .post, headers: headers, body: LiveChat.json(body))
    }

    static func object(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    @Test("an operator token posts a system message: the answer is the stored message, every socket of the room gets its frame once with the system mark, another room nothing; user tokens and no token get 401")
    func systemMessage() async throws {
        try await Self.run { chat, admin in
            let aliceToken = try await chat.user("alice"), bobToken = try await chat.user("bob")
            _ = try await chat.createRoom("plaza", token: aliceToken)
            _ = try await chat.createRoom("quiet", token: aliceToken)
            let alice = chat.socket(room: "plaza", token: aliceToken), bob = chat.socket(room: "plaza", token: bobToken)
            let other = chat.socket(room: "quiet", token: aliceToken)
            for socket in [alice, bob, other] { _ = try await socket.nextArray() }
            let room = try #require(try await chat.ports.store.room(named: "plaza"))
            let content = ["system": true, "content": "maintenance at 22:00 UTC"] as [String: Any]

            #expect(try await Self.post(admin, room: room.id.hex, content, token: nil).status == .unauthorized)
            #expect(try await Self.post(admin, room: room.id.hex, content, token: aliceToken).status == .unauthorized, "a user token is no operator token")
            #expect(try await chat.ports.store.recentMessages(inRoom: room.id, limit: 10).isEmpty, "nothing posted without an operator token")

            let token = try await JWTOperatorTokens(secret: LiveChat.secret).issue(subject: "tester@box")
            let answer = try await Self.post(admin, room: room.id.hex, content, token: token)
            #expect(answer.status == .ok)
            let stored = Self.object(answer)
            #expect(stored["system"] as? Bool == true && stored["sender"] as? String == "system", "\(stored)")
            #expect(stored["sender_id"] as? String == "000000000000000000000001" && stored["seq"] as? Int == 1 && stored["repeat"] as? Bool == false)
            #expect(stored["room"] as? String == "plaza" && stored["room_id"] as? String == room.id.hex)
            let id = try #require(stored["id"] as? String)
            for socket in [alice, bob] {
                let frame = try await socket.nextObject("the announcement")
                #expect(frame["type"] as? String == "message" && frame["id"] as? String == id, "\(frame)")
                #expect(frame["content"] as? String == "maintenance at 22:00 UTC" && frame["system"] as? Bool == true)
                #expect(frame["sender"] as? String == "system" && frame["sender_id"] as? String == "000000000000000000000001" && frame["seq"] as? Int == 1)
                #expect(try await socket.framesBeforeBinaryAnswer().isEmpty, "once")
            }
            #expect(try await other.framesBeforeBinaryAnswer().isEmpty, "another room is told nothing")

            // A user's message carries no system mark; the next join's history has both.
            bob.send(TestSocket.message("noted"))
            #expect(try await alice.nextObject()["system"] == nil)
            _ = try await bob.nextObject()
            let joiner = chat.socket(room: "plaza", token: bobToken)
            let history = try await joiner.nextArray()
            #expect(history.compactMap { $0["content"] as? String } == ["noted", "maintenance at 22:00 UTC"])
            #expect(history[1]["system"] as? Bool == true && history[1]["sender"] as? String == "system" && history[0]["system"] == nil)
            for socket in [alice, bob, other, joiner] { await socket.close() }
        }
    }

    @Test("as a member: its name on the frame, no system mark; a non-member is refused 403 naming it; bad ids 400, an unknown room or user 404")
    func asMember() async throws {
        try await Self.run { chat, admin in
            let aliceToken = try await chat.user("alice")
            _ = try await chat.user("carol")
            _ = try await chat.createRoom("plaza", token: aliceToken)
            let alice = chat.socket(room: "plaza", token: aliceToken)
            _ = try await alice.nextArray()
            let store = chat.ports.store
            let room = try #require(try await store.room(named: "plaza"))
            let aliceID = try #require(try await store.user(named: "alice")).id.hex
            let carolID = try #require(try await store.user(named: "carol")).id.hex
            let token = try await JWTOperatorTokens(secret: LiveChat.secret).issue(subject: "tester@box")

            let posted = try await Self.post(admin, room: room.id.hex, ["as": aliceID, "content": "release is out"], token: token)
            #expect(posted.status == .ok)
            let frame = try await alice.nextObject("the announcement")
            #expect(frame["sender"] as? String == "alice" && frame["sender_id"] as? String == aliceID && frame["system"] == nil, "\(frame)")

            let refused = try await Self.post(admin, room: room.id.hex, ["as": carolID, "content": "hi"], token: token)
            #expect(refused.status == .forbidden)
            #expect(Self.object(refused)["error"] as? String == "user carol is not a member of room plaza")
            #expect(try await Self.post(admin, room: "plaza", ["system": true, "content": "hi"], token: token).status == .badRequest)
            #expect(try await Self.post(admin, room: room.id.hex, ["content": "hi"], token: token).status == .badRequest)
            #expect(try await Self.post(admin, room: room.id.hex, ["system": true, "content": " "], token: token).status == .badRequest)
            #expect(try await Self.post(admin, room: ObjectID().hex, ["system": true, "content": "hi"], token: token).status == .notFound)
            #expect(try await Self.post(admin, room: room.id.hex, ["as": ObjectID().hex, "content": "hi"], token: token).status == .notFound)
            #expect(try await alice.framesBeforeBinaryAnswer().isEmpty, "nothing refused reached the room")
            await alice.close()
        }
    }
}
