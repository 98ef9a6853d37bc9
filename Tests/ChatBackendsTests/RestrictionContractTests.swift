import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// The store methods behind `chatctl rooms set|mute|unmute` and `users ban|unban`, on
/// every store.
@Suite("store contract: room rules, mutes and bans")
struct RestrictionContractTests {
    typealias Kind = TestStores.Kind

    static func user(_ name: String, in store: any ChatStore) async throws -> User {
        let user = User(username: name, email: "\(name)@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
        try await store.insertUser(user)
        return user
    }

    @Test("rules: none on a new room; a change reads back by id, by name and in the list; moderators once each, in order; cleared again; an unknown room is nil", arguments: TestStores.kinds)
    func rules(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let ann = try await Self.user("ann", in: store)
        let ben = try await Self.user("ben", in: store)
        let cat = try await Self.user("cat", in: store)
        let room = Room(name: "lobby", members: [ann.id])
        try await store.insertRoom(room)
        #expect(try await store.room(id: room.id)?.rules == RoomRules())

        let first = try await store.changeRoomRules(
            .init(readOnly: true, slowModeSeconds: 30, addModerators: [ben.id, ann.id, ben.id], topic: .set("weekly news")), roomID: room.id)
        let expected = RoomRules(readOnly: true, slowModeSeconds: 30, moderators: [ben.id, ann.id], topic: "weekly news")
        #expect(first?.rules == expected && first?.name == "lobby" && first?.members == [ann.id])
        #expect(try await store.room(id: room.id)?.rules == expected)
        #expect(try await store.room(named: "lobby")?.rules == expected)
        #expect(try await store.allRooms().first?.rules == expected)

        let second = try await store.changeRoomRules(.init(addModerators: [cat.id, ann.id], removeModerators: [ben.id]), roomID: room.id)
        #expect(second?.rules == RoomRules(readOnly: true, slowModeSeconds: 30, moderators: [ann.id, cat.id], topic: "weekly news"))
        let third = try await store.changeRoomRules(.init(readOnly: false, slowModeSeconds: 0, topic: .clear), roomID: room.id)
        #expect(third?.rules == RoomRules(moderators: [ann.id, cat.id]))
        #expect(try await store.changeRoomRules(.init(readOnly: true), roomID: ObjectID()) == nil)
        #expect(try await store.room(id: room.id)?.members == [ann.id], "members untouched")

        let ruled = Room(name: "ruled", rules: RoomRules(readOnly: true, slowModeSeconds: 5, moderators: [ann.id], topic: "t"))
        try await store.insertRoom(ruled)
        #expect(try await store.room(id: ruled.id)?.rules == ruled.rules, "a room inserted with rules keeps them")
    }

    @Test("mutes: by room and by user, only those that hold; muting again replaces; unmute once; they go with the room and with the user", arguments: TestStores.kinds)
    func mutes(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let ann = try await Self.user("ann", in: store)
        let ben = try await Self.user("ben", in: store)
        let lobby = Room(name: "lobby"), hall = Room(name: "hall")
        try await store.insertRoom(lobby)
        try await store.insertRoom(hall)
        let now = Date()
        let annInLobby = RoomMute(roomID: lobby.id, userID: ann.id, until: now.addingTimeInterval(3600), reason: "flood", by: "root@ops1", at: now.addingTimeInterval(-10))
        let benInLobby = RoomMute(roomID: lobby.id, userID: ben.id, by: "root@ops1", at: now.addingTimeInterval(-5))
        let annInHall = RoomMute(roomID: hall.id, userID: ann.id, until: now.addingTimeInterval(-1), by: "root@ops1", at: now.addingTimeInterval(-60))
        for mute in [annInLobby, benInLobby, annInHall] { try await store.muteUser(mute) }
        #expect(try await store.mutes(inRoom: lobby.id, at: now) == [annInLobby, benInLobby])
        #expect(try await store.mutes(inRoom: hall.id, at: now).isEmpty, "an ended mute holds no more")
        #expect(try await store.mutes(ofUser: ann.id, at: now) == [annInLobby])
        #expect(try await store.mutes(inRoom: lobby.id, at: now.addingTimeInterval(7200)) == [benInLobby])

        let longer = RoomMute(roomID: lobby.id, userID: ann.id, reason: nil, by: "root@ops2", at: now)
        try await store.muteUser(longer)
        #expect(try await store.mutes(ofUser: ann.id, at: now) == [longer], "replaced, without end or reason")
        #expect(try await store.unmuteUser(ann.id, inRoom: lobby.id))
        #expect(try await !store.unmuteUser(ann.id, inRoom: lobby.id))
        #expect(try await store.mutes(inRoom: lobby.id, at: now) == [benInLobby])

        _ = try await store.deleteUser(id: ben.id)
        #expect(try await store.mutes(inRoom: lobby.id, at: now).isEmpty, "a deleted user's mutes go")
        try await store.muteUser(RoomMute(roomID: hall.id, userID: ann.id, by: "root@ops1"))
        _ = try await store.deleteRoom(id: hall.id)
        #expect(try await store.mutes(ofUser: ann.id, at: Date()).isEmpty, "a deleted room's mutes go")
    }

    @Test("bans: read back wherever users are read, with or without an end and a reason; removed; an unknown user is false", arguments: TestStores.kinds)
    func bans(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let ann = try await Self.user("ann", in: store)
        let ban = Ban(at: Date(timeIntervalSince1970: 1_800_000_000.123), until: Date(timeIntervalSince1970: 1_800_086_400.5), reason: "spam", by: "root@ops1")
        #expect(try await store.setBan(ban, forUser: ann.id))
        #expect(try await store.user(id: ann.id)?.ban == ban)
        #expect(try await store.user(named: "ann")?.ban == ban)
        #expect(try await store.users(matching: "ann", limit: 10).first?.ban == ban)
        #expect(try await store.user(id: ann.id)?.disabled == false, "a ban is not a disable")

        let open = Ban(at: Date(timeIntervalSince1970: 1_800_000_001), by: "root@ops2")
        #expect(try await store.setBan(open, forUser: ann.id))
        #expect(try await store.user(id: ann.id)?.ban == open, "replaced: no end, no reason")
        #expect(try await store.setBan(nil, forUser: ann.id))
        #expect(try await store.user(id: ann.id)?.ban == nil)
        #expect(try await !store.setBan(ban, forUser: ObjectID()))
    }
}
