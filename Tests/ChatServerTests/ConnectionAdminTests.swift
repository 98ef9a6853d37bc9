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
import NIOWebSocket
import Testing

/// The chat and notification services on one set of ports, with the operator API's
/// connection routes over both hubs, as `serve all` runs them.
struct ConnectionHarness: Sendable {
    static let nodeID = "test-node-1"

    let chat: LiveChat
    let notifyPort: Int
    let admin: any TestClientProtocol
    let tokens: any OperatorTokenAuthority

    static func run(_ body: @Sendable (ConnectionHarness) async throws -> Void) async throws {
        try await LiveChat.run { chat in
            var logger = Logger(label: "connections-test")
            logger.logLevel = .critical
            let notify = NotificationApplication.build(ports: chat.ports, settings: ChatServerSettings.testing(), logger: logger)
            let tokens = await JWTOperatorTokens(secret: LiveChat.secret)
            let api = AdminApplication.build(
                host: "127.0.0.1", port: 0, routes: [ConnectionAdminRoutes(nodeID: Self.nodeID, hubs: [chat.hub, notify.hub])], tokens: tokens,
                logger: logger)
            try await notify.application.test(.live) { notifyClient in
                guard let notifyPort = notifyClient.port else { throw ChatError(.internalError, message: "live test client has no port") }
                try await api.test(.live) { admin in
                    try await body(ConnectionHarness(chat: chat, notifyPort: notifyPort, admin: admin, tokens: tokens))
                }
            }
        }
    }

    /// A request to the operator API with `token` (a fresh operator token unless given;
    /// `.some(nil)`: none at all).
    func request(_ method: HTTPRequest.Method, _ path: String, body: ByteBuffer? = nil, token: String?? = .none) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        let bearer: String?
        switch token {
        case .none: bearer = try await tokens.issue(subject: "tester@box")
        case .some(let given): bearer = given
        }
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await admin.execute(uri: path, method: method, headers: headers, body: body)
    }

    /// `GET /admin/connections` with `query`: the connections listed (and checks the node id).
    func list(_ query: String = "") async throws -> [[String: Any]] {
        let response = try await request(.get, "/admin/connections\(query)")
        let object = LiveChat.decode(response)
        guard response.status == .ok, object["node"] as? String == Self.nodeID, let connections = object["connections"] as? [[String: Any]] else {
            throw ChatError(.internalError, message: "GET /admin/connections\(query): \(response.status) \(object)")
        }
        return connections
    }

    /// `POST /admin/connections/kick` with `body` (a JSON object).
    func kick(_ body: [String: Any], token: String?? = .none) async throws -> TestResponse {
        try await request(.post, "/admin/connections/kick", body: LiveChat.json(body), token: token)
    }

    /// A notification socket of the user whose token this is.
    func notificationSocket(token: String) -> TestSocket {
        TestSocket(url: "ws://127.0.0.1:\(notifyPort)/ws/join-notification/", headers: [.authorization: "Bearer \(token)"])
    }
}

/// Who holds which socket in the tests below: alice in two rooms and on the notification
/// service, bob in one room.
struct HeldSockets: Sendable {
    let aliceID: ObjectID, bobID: ObjectID
    let hallID: ObjectID, yardID: ObjectID
    let aliceToken: String, bobToken: String
    let aliceHall: TestSocket, aliceYard: TestSocket, bobHall: TestSocket, aliceNotify: TestSocket

    static func open(_ harness: ConnectionHarness) async throws -> HeldSockets {
        let chat = harness.chat
        let alice = try await chat.user("alice"), bob = try await chat.user("bob")
        _ = try await chat.createRoom("hall", token: alice)
        _ = try await chat.createRoom("yard", token: alice)
        let store = chat.ports.store
        let aliceUser = try await store.user(named: "alice"), bobUser = try await store.user(named: "bob")
        let hall = try await store.room(named: "hall"), yard = try await store.room(named: "yard")
        let held = HeldSockets(
            aliceID: try #require(aliceUser).id, bobID: try #require(bobUser).id, hallID: try #require(hall).id, yardID: try #require(yard).id,
            aliceToken: alice, bobToken: bob,
            aliceHall: chat.socket(room: "hall", token: alice), aliceYard: chat.socket(room: "yard", token: alice),
            bobHall: chat.socket(room: "hall", token: bob), aliceNotify: harness.notificationSocket(token: alice))
        // A room socket is in its hub before its history frame; a notification socket gets
        // no frame on joining: wait for the node to list all four.
        for socket in [held.aliceHall, held.aliceYard, held.bobHall] { _ = try await socket.nextArray() }
        let listed = try await waitUntil { try await harness.list().count == 4 }
        try #require(listed, "the four sockets were never listed")
        return held
    }

    func closeAll() async {
        for socket in [aliceHall, aliceYard, bobHall, aliceNotify] { await socket.close() }
    }

    /// The listed connection of `kind`, `user` and `room`.
    static func find(_ connections: [[String: Any]], kind: String, user: ObjectID, room: ObjectID?) -> [String: Any]? {
        connections.first { $0["kind"] as? String == kind && $0["userID"] as? String == user.hex && $0["roomID"] as? String == room?.hex }
    }
}

@Suite("operator API: live connections")
struct ConnectionAdminTests {
    @Test("GET /admin/connections lists exactly the sockets held (who, room, peer, since, frames each way, backlog) and filters by user and room")
    func listAgreesWithSockets() async throws {
        try await ConnectionHarness.run { harness in
            let held = try await HeldSockets.open(harness)
            let all = try await harness.list()
            #expect(all.count == 4)
            let ids = all.compactMap { $0["id"] as? String }
            #expect(Set(ids).count == 4 && ids.allSatisfy { $0.count == 8 && $0.allSatisfy(\.isHexDigit) }, "\(ids)")
            let expected: [(String, ObjectID, String, ObjectID?)] = [
                ("room", held.aliceID, "alice", held.hallID), ("room", held.aliceID, "alice", held.yardID),
                ("room", held.bobID, "bob", held.hallID), ("notify", held.aliceID, "alice", nil),
            ]
            for (kind, user, name, room) in expected {
                let connection = try #require(HeldSockets.find(all, kind: kind, user: user, room: room), "\(kind) \(name) \(room?.hex ?? "-"): \(all)")
                #expect(connection["username"] as? String == name)
                #expect((connection["remote"] as? String)?.hasPrefix("127.0.0.1:") == true, "\(connection)")
                #expect(RFC3339.date(from: connection["connectedAt"] as? String ?? "") != nil, "\(connection)")
                #expect(connection["framesIn"] as? Int == 0)
                // A room socket has been sent its history frame, a notification socket nothing.
                #expect(connection["framesOut"] as? Int == (kind == "room" ? 1 : 0), "\(connection)")
                #expect(connection["buffered"] as? Int == 0 && connection["writable"] as? Bool == true, "\(connection)")
            }

            // One message in the hall: one frame in on alice's socket there, one more out on
            // both hall sockets (counted before the frame is written), none on the others.
            held.aliceHall.send(TestSocket.message("hello"))
            #expect(try await held.aliceHall.nextMessageContent() == "hello")
            #expect(try await held.bobHall.nextMessageContent() == "hello")
            let after = try await harness.list()
            let aliceHall = try #require(HeldSockets.find(after, kind: "room", user: held.aliceID, room: held.hallID))
            let bobHall = try #require(HeldSockets.find(after, kind: "room", user: held.bobID, room: held.hallID))
            let aliceYard = try #require(HeldSockets.find(after, kind: "room", user: held.aliceID, room: held.yardID))
            #expect(aliceHall["framesIn"] as? Int == 1 && aliceHall["framesOut"] as? Int == 2, "\(aliceHall)")
            #expect(bobHall["framesIn"] as? Int == 0 && bobHall["framesOut"] as? Int == 2, "\(bobHall)")
            #expect(aliceYard["framesIn"] as? Int == 0 && aliceYard["framesOut"] as? Int == 1, "\(aliceYard)")

            // Filters: a user (room and notification sockets), a room (room sockets only), both.
            let ofAlice = try await harness.list("?user=\(held.aliceID.hex)")
            #expect(ofAlice.count == 3 && ofAlice.allSatisfy { $0["userID"] as? String == held.aliceID.hex })
            let inHall = try await harness.list("?room=\(held.hallID.hex)")
            #expect(Set(inHall.compactMap { $0["userID"] as? String }) == [held.aliceID.hex, held.bobID.hex] && inHall.count == 2)
            #expect(inHall.allSatisfy { $0["kind"] as? String == "room" && $0["roomID"] as? String == held.hallID.hex })
            let both = try await harness.list("?user=\(held.aliceID.hex)&room=\(held.yardID.hex)")
            #expect(both.count == 1 && both.first?["roomID"] as? String == held.yardID.hex)
            #expect(try await harness.list("?user=\(ObjectID().hex)").isEmpty)

            // A malformed filter is a 400 naming it, not an empty list.
            for (query, field) in [("?user=alice", "user"), ("?room=123", "room"), ("?user=\(held.aliceID.hex)&room=", "room")] {
                let response = try await harness.request(.get, "/admin/connections\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(LiveChat.decode(response)["field"] as? String == field, "\(query): \(LiveChat.decode(response))")
            }
            await held.closeAll()
        }
    }

    @Test("POST /admin/connections/kick closes exactly the chosen sockets with 1008 and the reason (by user, room or id) and leaves the others open")
    func kickClosesExactlyTheChosen() async throws {
        try await ConnectionHarness.run { harness in
            let held = try await HeldSockets.open(harness)

            let byUser = try await harness.kick(["user": held.bobID.hex, "reason": "take a break"])
            #expect(byUser.status == .ok && LiveChat.decode(byUser)["closed"] as? Int == 1, "\(LiveChat.decode(byUser))")
            let bobClose = try await held.bobHall.closeFrame()
            #expect(bobClose?.closeCode == .policyViolation && bobClose?.reason == "take a break", "\(String(describing: bobClose))")

            let byRoom = try await harness.kick(["room": held.yardID.hex])
            #expect(LiveChat.decode(byRoom)["closed"] as? Int == 1)
            let yardClose = try await held.aliceYard.closeFrame()
            #expect(yardClose?.closeCode == .policyViolation && yardClose?.reason == ConnectionKick.defaultReason, "\(String(describing: yardClose))")

            let notify = try #require(HeldSockets.find(try await harness.list(), kind: "notify", user: held.aliceID, room: nil))
            let notifyID = try #require(notify["id"] as? String)
            let byID = try await harness.kick(["id": notifyID, "reason": "reconnect, please"])
            #expect(LiveChat.decode(byID)["closed"] as? Int == 1)
            let notifyClose = try await held.aliceNotify.closeFrame()
            #expect(notifyClose?.closeCode == .policyViolation && notifyClose?.reason == "reconnect, please")

            // An id no socket has closes nothing.
            let listedIDs = Set(try await harness.list().compactMap { $0["id"] as? String })
            let unknown = ["ffffffff", "fffffffe"].first { !listedIDs.contains($0) } ?? "ffffffff"
            #expect(LiveChat.decode(try await harness.kick(["id": unknown]))["closed"] as? Int == 0)

            // Alice's hall socket is untouched: it still posts and receives, and it is all that is left.
            held.aliceHall.send(TestSocket.message("still here"))
            #expect(try await held.aliceHall.nextMessageContent() == "still here")
            var last: [[String: Any]] = []
            let onlyHall = try await waitUntil {
                last = try await harness.list()
                return last.count == 1 && HeldSockets.find(last, kind: "room", user: held.aliceID, room: held.hallID) != nil
            }
            #expect(onlyHall, "\(last)")
            await held.closeAll()
        }
    }

    @Test("both routes refuse without an operator token: none, a chatctl or Go user token, another audience, another secret; nothing is closed")
    func refusedWithoutOperatorToken() async throws {
        try await ConnectionHarness.run { harness in
            let held = try await HeldSockets.open(harness)
            var wrongAudience = OperatorAPITests.operatorClaims()
            wrongAudience["aud"] = "chat"
            let otherSecret = try await JWTOperatorTokens(secret: "another-secret-entirely-0123456789").issue(subject: "intruder")
            let refused: [(String, String?)] = [
                ("no token", nil),
                ("chatctl user token", held.aliceToken),
                ("Go user token", TokenForge.token(claims: TokenForge.goClaims(id: held.aliceID.hex, username: "alice"), secret: LiveChat.secret)),
                ("another audience", TokenForge.token(claims: wrongAudience, secret: LiveChat.secret)),
                ("another secret", otherSecret),
                ("garbage", "not-a-jwt"),
            ]
            for (what, token) in refused {
                let listing = try await harness.request(.get, "/admin/connections", token: .some(token))
                #expect(listing.status == .unauthorized, "\(what)")
                #expect(LiveChat.decode(listing)["error"] is String && LiveChat.decode(listing)["connections"] == nil, "\(what)")
                let kick = try await harness.kick(["user": held.aliceID.hex], token: .some(token))
                #expect(kick.status == .unauthorized, "\(what)")
                #expect(LiveChat.decode(kick)["closed"] == nil, "\(what)")
            }
            // Nothing was closed: all four still listed, alice's hall socket still posts.
            #expect(try await harness.list().count == 4)
            held.aliceHall.send(TestSocket.message("after the intruders"))
            #expect(try await held.aliceHall.nextMessageContent() == "after the intruders")
            await held.closeAll()
        }
    }

    @Test("a malformed kick is a 400 naming the field at fault, and closes nothing")
    func malformedKick() async throws {
        try await ConnectionHarness.run { harness in
            let held = try await HeldSockets.open(harness)
            let alice = held.aliceID.hex
            let cases: [(String, String, String)] = [
                ("empty body", "", "body"),
                ("not JSON", "kick them all", "body"),
                ("an array", "[1, 2]", "body"),
                ("no selector", "{}", "body"),
                ("only a reason", #"{"reason":"bye"}"#, "body"),
                ("two selectors", #"{"user":"\#(alice)","room":"\#(held.hallID.hex)"}"#, "body"),
                ("all three", #"{"user":"\#(alice)","room":"\#(held.hallID.hex)","id":"abc"}"#, "body"),
                ("user as a number", #"{"user":42}"#, "user"),
                ("user by name", #"{"user":"alice"}"#, "user"),
                ("a NoSQL operator", #"{"user":{"$ne":null}}"#, "user"),
                ("room not an id", #"{"room":"hall"}"#, "room"),
                ("id not hex", #"{"id":"not-hex!"}"#, "id"),
                ("id too long", #"{"id":"\#(String(repeating: "a", count: 40))"}"#, "id"),
                ("reason too long", #"{"user":"\#(alice)","reason":"\#(String(repeating: "x", count: InputRules.closeReasonMaxBytes + 1))"}"#, "reason"),
                ("reason with a newline", #"{"user":"\#(alice)","reason":"two\nlines"}"#, "reason"),
                ("reason not a string", #"{"user":"\#(alice)","reason":7}"#, "reason"),
            ]
            for (what, body, field) in cases {
                let response = try await harness.request(.post, "/admin/connections/kick", body: ByteBuffer(string: body))
                let answer = LiveChat.decode(response)
                #expect(response.status == .badRequest, "\(what): \(response.status)")
                #expect(answer["error"] is String && answer["field"] as? String == field, "\(what): \(answer)")
            }
            let oversize = try await harness.request(.post, "/admin/connections/kick", body: ByteBuffer(string: String(repeating: " ", count: 65 * 1024)))
            #expect(oversize.status == .contentTooLarge)
            // Nothing was closed.
            #expect(try await harness.list().count == 4)
            held.aliceHall.send(TestSocket.message("untouched"))
            #expect(try await held.aliceHall.nextMessageContent() == "untouched")
            await held.closeAll()
        }
    }
}
