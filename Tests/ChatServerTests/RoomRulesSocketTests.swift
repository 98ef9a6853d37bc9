import ChatCore
import ChatTestSupport
import Foundation
import HTTPTypes
import Testing

/// Room rules and mutes set as `chatctl rooms set|mute|unmute` sets them (through the
/// store), reaching a live node's sockets through its moderation watcher; a ban's 403.
@Suite("room rules, mutes and bans over real sockets")
struct RoomRulesSocketTests {
    /// alice (room owner) and bob in `stage`, both joined; the room and both users as stored.
    struct Stage {
        let alice: TestSocket
        let bob: TestSocket
        let room: Room
        let aliceUser: User
        let bobUser: User
        let restrictions: RoomRestrictions
    }

    static func stage(_ chat: LiveChat) async throws -> Stage {
        let aliceToken = try await chat.user("alice"), bobToken = try await chat.user("bob")
        _ = try await chat.createRoom("stage", token: aliceToken)
        let alice = chat.socket(room: "stage", token: aliceToken), bob = chat.socket(room: "stage", token: bobToken)
        for socket in [alice, bob] { _ = try await socket.nextArray() }
        let store = chat.ports.store
        let room = try #require(try await store.room(named: "stage"))
        let aliceUser = try #require(try await store.user(named: "alice"))
        let bobUser = try #require(try await store.user(named: "bob"))
        return Stage(
            alice: alice, bob: bob, room: room, aliceUser: aliceUser, bobUser: bobUser, restrictions: RoomRestrictions(store: store, logger: chat.ports.logger))
    }

    @Test("read-only: a non-moderator's frame gets an error naming the rule, the moderator's reaches everyone, the room is still read; --no-read-only lifts it")
    func readOnly() async throws {
        try await LiveChat.run { chat in
            let s = try await Self.stage(chat)
            _ = try await s.restrictions.setRules(.init(readOnly: true, addModerators: [s.aliceUser.id]), of: s.room)
            #expect(try await s.bob.probeUntilRefused() == "room is read-only: only its moderators post")
            s.alice.send(TestSocket.message("announcement"))
            #expect(try await s.alice.nextObjectSkippingProbes()["content"] as? String == "announcement")
            #expect(try await s.bob.nextObjectSkippingProbes()["content"] as? String == "announcement", "a read-only room is still read")
            _ = try await s.restrictions.setRules(.init(readOnly: false), of: s.room)
            try await s.bob.probeUntilAccepted()
            for socket in [s.alice, s.bob] { await socket.close() }
        }
    }

    @Test("slow mode: the second message within the interval gets an error saying when the next is allowed; the moderator is not slowed")
    func slowMode() async throws {
        try await LiveChat.run { chat in
            let s = try await Self.stage(chat)
            _ = try await s.restrictions.setRules(.init(slowModeSeconds: 60, addModerators: [s.aliceUser.id]), of: s.room)
            // Probes pass until the rule holds; then one more passes and the next is refused.
            let refusal = try await s.bob.probeUntilRefused()
            #expect(refusal.hasPrefix("slow mode: next message allowed in ") && refusal.hasSuffix("s"), "\(refusal)")
            let seconds = Int(refusal.dropFirst("slow mode: next message allowed in ".count).dropLast()) ?? 0
            #expect((1...60).contains(seconds), "\(refusal)")
            for content in ["first", "second"] {
                s.alice.send(TestSocket.message(content))
                #expect(try await s.alice.nextObjectSkippingProbes()["content"] as? String == content)
            }
            for socket in [s.alice, s.bob] { await socket.close() }
        }
    }

    @Test("mute: the user's frames get an error with the mute's end while it still receives the room; unmute lets it post again")
    func mute() async throws {
        try await LiveChat.run { chat in
            let s = try await Self.stage(chat)
            let mute = try await s.restrictions.mute(s.bobUser, in: s.room, for: 3600, reason: "flooding", by: "test@host")
            let until = try #require(mute.until)
            #expect(try await s.bob.probeUntilRefused() == "you are muted in this room until \(RFC3339.string(from: until))")
            s.alice.send(TestSocket.message("still there?"))
            #expect(try await s.bob.nextObjectSkippingProbes()["content"] as? String == "still there?")
            #expect(try await s.restrictions.unmute(s.bobUser, in: s.room))
            try await s.bob.probeUntilAccepted()
            for socket in [s.alice, s.bob] { await socket.close() }
        }
    }

    @Test("a banned user's login answers 403 with the ban's end and reason; its token 401; once the ban is over, 200")
    func bannedLogin() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("carl")
            // An hour, so that the refusals below see it in force however slow the machine;
            // then banned again for two seconds, to see it end by itself.
            let admin = UserAdministration(ports: chat.ports)
            let banned = try await admin.ban(username: "carl", for: 3600, reason: "spam wave", by: "test@host")
            let until = try #require(banned.ban?.until)
            let login = try await chat.post("/api/user/login/", ["username": "carl", "password": "correct horse battery"])
            #expect(login.status == .forbidden)
            let body = LiveChat.decode(login)
            #expect(body["error"] as? String == "user is banned" && body["field"] as? String == "username")
            #expect(body["message"] as? String == "banned until \(RFC3339.string(from: until)): spam wave", "\(body)")
            #expect(try await chat.get("/api/room/list/", token: token).status == .unauthorized)
            _ = try await admin.ban(username: "carl", for: 2, reason: "spam wave", by: "test@host")
            let over = try await waitUntil {
                try await chat.post("/api/user/login/", ["username": "carl", "password": "correct horse battery"]).status == .ok
            }
            #expect(over, "the ban did not end by itself")
            let refused = try await chat.get("/api/room/list/", token: token)
            #expect(refused.status == .unauthorized, "a token from before the ban stays refused")
            #expect(LiveChat.decode(refused)["error"] as? String == "token was issued before the user was banned; log in again")
        }
    }
}
