import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// The store methods behind `chatctl users …` and `chatctl rooms …`, and the
/// session-end log every node reads, on every store.
@Suite("store contract: administration")
struct AdministrationContractTests {
    typealias Kind = TestStores.Kind

    func user(_ name: String, email: String? = nil) -> User {
        User(username: name, email: email ?? "\(name)@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
    }

    @Test("users list: ordered by username, case-insensitive search in username or email, literal text, limit", arguments: TestStores.kinds)
    func listUsers(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        for (name, email) in [("carol", "c@corp.example"), ("alice", "alice@example.com"), ("bob_1", "b@CORP.example"), ("dave.x", "d@example.com")] {
            try await store.insertUser(user(name, email: email))
        }
        #expect(try await store.users(matching: nil, limit: 10).map(\.username) == ["alice", "bob_1", "carol", "dave.x"])
        #expect(try await store.users(matching: nil, limit: 2).map(\.username) == ["alice", "bob_1"])
        #expect(try await store.users(matching: "corp", limit: 10).map(\.username) == ["bob_1", "carol"])
        #expect(try await store.users(matching: "ALI", limit: 10).map(\.username) == ["alice"])
        // `_` and `.` are matched literally, not as wildcards.
        #expect(try await store.users(matching: "b_", limit: 10).map(\.username) == ["bob_1"])
        #expect(try await store.users(matching: "e.x", limit: 10).map(\.username) == ["dave.x"])
        #expect(try await store.users(matching: "(", limit: 10).isEmpty)
    }

    @Test("set password hash, disable and enable: found or not, and read back", arguments: TestStores.kinds)
    func updateUsers(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let alice = user("alice")
        try await store.insertUser(alice)
        #expect(try await store.setPasswordHash("$2a$10$new", forUser: alice.id))
        #expect(try await store.user(id: alice.id)?.passwordHash == "$2a$10$new")
        #expect(try await store.user(named: "alice")?.disabled == false)
        #expect(try await store.setDisabled(true, forUser: alice.id))
        #expect(try await store.user(named: "alice")?.disabled == true)
        #expect(try await store.users(matching: "alice", limit: 1).first?.disabled == true)
        #expect(try await store.setDisabled(false, forUser: alice.id))
        #expect(try await store.user(id: alice.id)?.disabled == false)
        let nobody = ObjectID()
        #expect(try await store.setPasswordHash("h", forUser: nobody) == false)
        #expect(try await store.setDisabled(true, forUser: nobody) == false)
    }

    @Test("deleting a user frees its name, takes it out of every room and deletes the notifications it received", arguments: TestStores.kinds)
    func deleteUser(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let alice = user("alice"), bob = user("bob")
        try await store.insertUser(alice)
        try await store.insertUser(bob)
        try await store.insertRoom(Room(name: "one", members: [alice.id, bob.id]))
        try await store.insertRoom(Room(name: "two", members: [alice.id]))
        let roomID = try #require(try await store.room(named: "one")).id
        for receiver in [alice.id, bob.id] {
            try await store.insertNotifications([
                ChatNotification(id: ObjectID(), content: "hi", senderID: ObjectID(), roomID: roomID, receiverID: receiver, seen: false, timestamp: Date())
            ])
        }
        #expect(try await store.deleteUser(id: alice.id))
        #expect(try await store.notifications(for: alice.id, query: NotificationQuery()).isEmpty)
        #expect(try await store.notifications(for: bob.id, query: NotificationQuery()).count == 1)
        #expect(try await store.deleteUser(id: alice.id) == false)
        #expect(try await store.user(named: "alice") == nil)
        #expect(try await store.room(named: "one")?.members == [bob.id])
        #expect(try await store.room(named: "two")?.members == [])
        try await store.insertUser(user("alice"))  // the name and email are free again
    }

    @Test("remove a member; delete a room frees its name", arguments: TestStores.kinds)
    func roomChanges(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let a = user("a"), b = user("b")
        let room = Room(name: "general", members: [a.id, b.id])
        try await store.insertRoom(room)
        #expect(try await store.removeMember(a.id, fromRoom: room.id))
        #expect(try await store.removeMember(a.id, fromRoom: room.id) == false)
        #expect(try await store.room(id: room.id)?.members == [b.id])
        try await store.addMember(a.id, toRoom: room.id)
        #expect(try await store.room(id: room.id)?.members == [b.id, a.id])
        #expect(try await store.deleteRoom(id: room.id))
        #expect(try await store.deleteRoom(id: room.id) == false)
        #expect(try await store.room(named: "general") == nil)
        #expect(try await store.allRooms().isEmpty)
        try await store.insertRoom(Room(name: "general"))
        #expect(try await store.room(named: "general")?.members == [])
    }

    @Test("session ends: read back since a time, oldest first; a day-old entry is forgotten", arguments: TestStores.kinds)
    func sessionEnds(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let user = ObjectID()
        let now = SessionEnd(userID: ObjectID(), reason: "password changed")
        let old = SessionEnd(userID: user, reason: "old", at: now.at.addingTimeInterval(-90_000))
        let earlier = SessionEnd(userID: user, reason: "user disabled", at: now.at.addingTimeInterval(-600))
        try await store.recordSessionEnd(old)
        try await store.recordSessionEnd(now)
        try await store.recordSessionEnd(earlier)
        #expect(try await store.sessionEnds(since: earlier.at) == [earlier, now])
        #expect(try await store.sessionEnds(since: earlier.at.addingTimeInterval(0.001)) == [now])
        #expect(try await store.sessionEnds(since: now.at) == [now])
        #expect(try await store.sessionEnds(since: now.at.addingTimeInterval(-200_000)) == [earlier, now])
    }
}
