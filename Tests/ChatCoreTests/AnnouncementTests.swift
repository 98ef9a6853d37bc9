import ChatCore
import ChatInProcess
import Foundation
import Testing

/// An operator's announcement (`chatctl post`) on the path of a client's post, on the
/// memory store.
@Suite("announcements")
struct AnnouncementTests {
    struct SilentPusher: NotificationPusher {
        func push(_ notifications: [ChatNotification]) -> Int { 0 }
    }

    /// A room of alice (its creator) and bob; carol exists but is no member.
    struct Hall {
        let t: TestPorts
        let room: Room
        let alice: User
        let bob: User
        let carol: User

        func announce(_ content: String, as announcer: Announcer, clientID: String? = nil) async throws -> PostMessage.Posted {
            try await PostMessage(ports: t.ports).announce(content: content, clientID: clientID, as: announcer, in: room)
        }

        /// The notifications the notification service stores for `message`'s event.
        func notify(_ message: Message) async throws -> [ChatNotification] {
            let event = MessageEvent(message: message)
            return try await DeliverNotifications(store: t.ports.store, pusher: SilentPusher())(
                event, eventKey: NotificationID.eventKey(for: event, rawBody: [])
            ).notifications
        }
    }

    static func hall() async throws -> Hall {
        let t = await TestPorts()
        let alice = try await t.user("alice"), bob = try await t.user("bob"), carol = try await t.user("carol")
        let created = try await CreateRoom(ports: t.ports)(name: "hall", creator: alice)
        try await t.ports.store.addMember(bob.id, toRoom: created.id)
        let room = try #require(try await t.ports.store.room(id: created.id))
        try await t.ports.roomRules.prepare(roomID: room.id)
        return Hall(t: t, room: room, alice: alice, bob: bob, carol: carol)
    }

    @Test("a system message is stored with the room's next seq from the fixed system sender, broadcast once, its event queued, and every member notified")
    func systemMessage() async throws {
        let h = try await Self.hall()
        let first = try await PostMessage(ports: h.t.ports)(content: "hello", from: h.alice, in: h.room)
        let posted = try await h.announce("maintenance at 22:00 UTC", as: .system)
        let message = posted.message
        #expect(!posted.isRepeat)
        #expect(message.isSystem && message.senderID == Message.systemSenderID && message.senderID.hex == "000000000000000000000001")
        #expect(message.senderName == "system" && message.shownSenderName == "system" && message.roomName == "hall")
        #expect(message.sequence == first.sequence + 1)
        let stored = try await h.t.ports.store.recentMessages(inRoom: h.room.id, limit: 10)
        #expect(stored.map(\.id) == [message.id, first.id])
        #expect(stored.first?.isSystem == true && stored.first?.shownSenderName == "system", "no user holds the id: the name is put in")
        #expect(h.t.receiver.delivered.map(\.id) == [first.id, message.id], "broadcast once")
        #expect(await h.t.events.events.last == MessageEvent(message: message))
        let notified = try await h.notify(message)
        #expect(Set(notified.map(\.receiverID)) == [h.alice.id, h.bob.id], "every member, none left out as the sender")
        #expect(notified.allSatisfy { $0.senderID == Message.systemSenderID && $0.content == "maintenance at 22:00 UTC" })
        #expect(!first.isSystem && first.shownSenderName == "alice")
    }

    @Test("as a member: stored and broadcast under its name; every member but it is notified")
    func asMember() async throws {
        let h = try await Self.hall()
        let message = try await h.announce("the release is out", as: .member(h.bob.id)).message
        #expect(message.senderID == h.bob.id && message.senderName == "bob" && !message.isSystem && message.sequence == 1)
        #expect(h.t.receiver.delivered == [message])
        #expect(try await h.notify(message).map(\.receiverID) == [h.alice.id])
    }

    @Test("as a non-member, an unknown, a disabled, a banned or a muted user: refused naming the user (and the room), nothing stored or broadcast")
    func refusedMembers() async throws {
        let h = try await Self.hall()
        let notMember = await #expect(throws: ChatError.self) { try await h.announce("hi", as: .member(h.carol.id)) }
        #expect(notMember == ChatError.announcerNotMember(h.carol, of: h.room))
        #expect(notMember?.message == "user carol is not a member of room hall" && notMember?.field == "as")
        let ghost = ObjectID()
        await #expect(throws: ChatError.announcerNotFound(ghost)) { try await h.announce("hi", as: .member(ghost)) }

        let admin = UserAdministration(ports: h.t.ports)
        let disabled = try await admin.setDisabled(true, username: "bob")
        await #expect(throws: ChatError.announcerDisabled(disabled)) { try await h.announce("hi", as: .member(h.bob.id)) }
        _ = try await admin.setDisabled(false, username: "bob")
        let banned = try await admin.ban(username: "bob", for: 3600, reason: "spam", by: "root@ops")
        let ban = try #require(banned.ban)
        let refused = await #expect(throws: ChatError.self) { try await h.announce("hi", as: .member(h.bob.id)) }
        #expect(refused == ChatError.announcerBanned(banned, ban) && refused?.message.contains("banned until") == true)

        let mute = try await RoomRestrictions(ports: h.t.ports).mute(h.alice, in: h.room, for: 3600, reason: nil, by: "root@ops")
        try await h.t.ports.roomRules.refresh(roomID: h.room.id)
        await #expect(throws: ChatError.announcerMuted(h.alice, in: h.room, until: mute.until)) { try await h.announce("hi", as: .member(h.alice.id)) }
        #expect(try await h.t.ports.store.recentMessages(inRoom: h.room.id, limit: 10).isEmpty)
        #expect(h.t.receiver.delivered.isEmpty)
        #expect(await h.t.events.events.isEmpty)
    }

    @Test("the operator's authority: read-only and slow mode hold for the room's users, not for an announcement, which takes no slow-mode slot")
    func bypassesRoomRules() async throws {
        let h = try await Self.hall()
        _ = try await RoomRestrictions(ports: h.t.ports).setRules(.init(readOnly: true), of: h.room)
        try await h.t.ports.roomRules.refresh(roomID: h.room.id)
        await #expect(throws: ChatError.roomReadOnly) { try await PostMessage(ports: h.t.ports)(content: "hi", from: h.bob, in: h.room) }
        _ = try await h.announce("read-only while we migrate", as: .member(h.bob.id))
        _ = try await h.announce("back soon", as: .system)

        _ = try await RoomRestrictions(ports: h.t.ports).setRules(.init(readOnly: false, slowModeSeconds: 600), of: h.room)
        try await h.t.ports.roomRules.refresh(roomID: h.room.id)
        _ = try await h.announce("one", as: .member(h.bob.id))
        _ = try await h.announce("two", as: .member(h.bob.id))
        _ = try await PostMessage(ports: h.t.ports)(content: "bob's own", from: h.bob, in: h.room)
        #expect(try await h.t.ports.store.recentMessages(inRoom: h.room.id, limit: 10).map(\.content) == [
            "bob's own", "two", "one", "back soon", "read-only while we migrate",
        ])
    }

    @Test("the same client id is stored and broadcast once: a retry answers the first message as a repeat")
    func retryPostsOnce() async throws {
        let h = try await Self.hall()
        let first = try await h.announce("maintenance", as: .system, clientID: "chatctl-post-1")
        let again = try await h.announce("maintenance", as: .system, clientID: "chatctl-post-1")
        #expect(!first.isRepeat && again.isRepeat && again.message.id == first.message.id)
        #expect(h.t.receiver.delivered.map(\.id) == [first.message.id])
        #expect(try await h.t.ports.store.recentMessages(inRoom: h.room.id, limit: 10).count == 1)
    }

    @Test("bad content is refused naming content, before anything is stored")
    func badContent() async throws {
        let h = try await Self.hall()
        let error = await #expect(throws: ChatError.self) { try await h.announce("   ", as: .system) }
        #expect(error?.field == "content")
        #expect(try await h.t.ports.store.recentMessages(inRoom: h.room.id, limit: 10).isEmpty)
    }

    @Test("the operator API's request: exactly one of system and as; the record round-trips with its system mark")
    func wireFormats() throws {
        let id = ObjectID()
        #expect(try AnnouncementRequest(.system, content: "x", clientID: nil).announcer() == .system)
        #expect(try AnnouncementRequest(.member(id), content: "x", clientID: "c").announcer() == .member(id))
        let decoder = JSONDecoder()
        func announcer(_ json: String) throws -> Announcer { try decoder.decode(AnnouncementRequest.self, from: Data(json.utf8)).announcer() }
        #expect(try announcer(#"{"as":"\#(id.hex)","content":"x"}"#) == .member(id))
        #expect(try announcer(#"{"system":true,"content":"x","client_id":"c"}"#) == .system)
        for bad in [#"{"content":"x"}"#, #"{"system":false,"content":"x"}"#, #"{"system":true,"as":"\#(id.hex)","content":"x"}"#, #"{"as":"bob","content":"x"}"#] {
            #expect(throws: ChatError.self, "\(bad)") { try announcer(bad) }
        }
        let message = Message(roomID: id, roomName: "hall", senderID: Message.systemSenderID, senderName: "", content: "hi", sequence: 7, clientID: "c")
        let record = PostedMessageRecord(message: message, isRepeat: false)
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
        #expect(json["system"] as? Bool == true && json["sender"] as? String == "system" && json["seq"] as? Int == 7 && json["room_id"] as? String == id.hex)
        let back = try decoder.decode(PostedMessageRecord.self, from: JSONEncoder().encode(record))
        #expect(back.message.id == message.id && back.message.isSystem && back.message.timestamp == message.timestamp && back.message.sequence == 7)
    }
}
