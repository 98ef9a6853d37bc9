import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

@Suite("store contract: client ids, message by id, rooms per member")
struct ClientIDContractTests {
    typealias Kind = StoreContractTests.Kind

    func message(_ content: String, room: Room, sender: User, clientID: String?) -> Message {
        Message(roomID: room.id, roomName: room.name, senderID: sender.id, senderName: sender.username, content: content, clientID: clientID)
    }

    func setUp(_ kind: Kind) async throws -> (any ChatStore, Room, User, User) {
        let store = try await StoreContractTests.makeStore(kind)
        let room = Room(name: "ids")
        try await store.insertRoom(room)
        let ada = User(username: "ada", email: "ada@example.com", passwordHash: "h")
        let bob = User(username: "bob", email: "bob@example.com", passwordHash: "h")
        try await store.insertUser(ada)
        try await store.insertUser(bob)
        return (store, room, ada, bob)
    }

    @Test("a sender's client id is stored once: a resend (alone or in a batch with its original) answers with the first message", arguments: StoreContractTests.kinds)
    func storedOnce(kind: Kind) async throws {
        let (store, room, ada, bob) = try await setUp(kind)
        let first = try await store.insertMessage(message("one", room: room, sender: ada, clientID: "k1"))
        #expect(first.clientID == "k1")
        let resend = message("one again", room: room, sender: ada, clientID: "k1")
        let answered = try await store.insertMessage(resend)
        #expect(answered.id == first.id)
        #expect(answered.content == "one")
        #expect(answered.sequence == first.sequence)
        // In one batch: new, repeat of the new one, another sender's same id, no id.
        let batch = try await store.insertMessages([
            message("two", room: room, sender: ada, clientID: "k2"), message("two again", room: room, sender: ada, clientID: "k2"),
            message("bob's", room: room, sender: bob, clientID: "k1"), message("plain", room: room, sender: ada, clientID: nil),
        ])
        #expect(batch[1].id == batch[0].id)
        #expect(batch[2].id != first.id)
        #expect(batch.map(\.content) == ["two", "two", "bob's", "plain"])
        #expect(try await store.messageCounts(room: room.id).live == 4)
        #expect(try await store.recentMessages(inRoom: room.id, limit: 10).map(\.content) == ["plain", "bob's", "two", "one"])
    }

    @Test("concurrent resends of one client id store one message", arguments: StoreContractTests.kinds)
    func concurrentResends(kind: Kind) async throws {
        let (store, room, ada, _) = try await setUp(kind)
        let ids = try await withThrowingTaskGroup(of: ObjectID.self) { group in
            for index in 0..<10 {
                group.addTask { try await store.insertMessage(message("try \(index)", room: room, sender: ada, clientID: "same")).id }
            }
            return try await group.reduce(into: Set<ObjectID>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await store.messageCounts(room: room.id).live == 1)
    }

    @Test("message(id:inRoom:) finds a room's message with names, nil for another room's or a deleted one", arguments: StoreContractTests.kinds)
    func messageByID(kind: Kind) async throws {
        let (store, room, ada, _) = try await setUp(kind)
        let other = Room(name: "other")
        try await store.insertRoom(other)
        let stored = try await store.insertMessage(message("find me", room: room, sender: ada, clientID: nil))
        let found = try #require(try await store.message(id: stored.id, inRoom: room.id))
        #expect(found.content == "find me")
        #expect(found.senderName == "ada")
        #expect(found.roomName == "ids")
        #expect(found.sequence == stored.sequence)
        #expect(try await store.message(id: stored.id, inRoom: other.id) == nil)
        _ = try await store.deleteMessages(ids: [stored.id])
        #expect(try await store.message(id: stored.id, inRoom: room.id) == nil)
    }

    @Test("roomCount(forMember:) counts the rooms a user belongs to", arguments: StoreContractTests.kinds)
    func roomsPerMember(kind: Kind) async throws {
        let (store, room, ada, bob) = try await setUp(kind)
        #expect(try await store.roomCount(forMember: ada.id) == 0)
        try await store.addMember(ada.id, toRoom: room.id)
        let second = Room(name: "second", members: [ada.id, bob.id])
        try await store.insertRoom(second)
        #expect(try await store.roomCount(forMember: ada.id) == 2)
        #expect(try await store.roomCount(forMember: bob.id) == 1)
    }
}

@Suite("store contract: pending message events")
struct PendingEventContractTests {
    @Test("mark (first time stands), list oldest first before a time, clear", arguments: StoreContractTests.kinds)
    func pendingEvents(kind: StoreContractTests.Kind) async throws {
        let store = try await StoreContractTests.makeStore(kind)
        let room = ObjectID()
        let old = PendingEvent(messageID: ObjectID(), roomID: room, since: Date(timeIntervalSince1970: 1_000))
        let newer = PendingEvent(messageID: ObjectID(), roomID: room, since: Date(timeIntervalSince1970: 2_000))
        try await store.markEventsPending([newer, old])
        try await store.markEventsPending([PendingEvent(messageID: old.messageID, roomID: room, since: Date(timeIntervalSince1970: 5_000))])
        #expect(try await store.pendingEvents(before: Date(timeIntervalSince1970: 3_000), limit: 10) == [old, newer])
        #expect(try await store.pendingEvents(before: Date(timeIntervalSince1970: 1_500), limit: 10) == [old])
        #expect(try await store.pendingEvents(before: .distantFuture, limit: 1) == [old])
        try await store.clearPendingEvents(messageIDs: [old.messageID])
        #expect(try await store.pendingEvents(before: .distantFuture, limit: 10) == [newer])
    }

    @Test("marks are leases: a claim takes only marks not refreshed since its cut-off, once; a refresh keeps a mark its holder's", arguments: StoreContractTests.kinds)
    func claims(kind: StoreContractTests.Kind) async throws {
        let store = try await StoreContractTests.makeStore(kind)
        let room = ObjectID()
        let stale = PendingEvent(messageID: ObjectID(), roomID: room, since: Date(timeIntervalSince1970: 1_000))
        let held = PendingEvent(messageID: ObjectID(), roomID: room, since: Date(timeIntervalSince1970: 1_000))
        let young = PendingEvent(messageID: ObjectID(), roomID: room, since: Date(timeIntervalSince1970: 9_000))
        try await store.markEventsPending([stale, held, young])
        // The holder of `held` is alive and says so.
        try await store.refreshPendingEvents(messageIDs: [held.messageID, ObjectID()], now: Date(timeIntervalSince1970: 8_000))
        let now = Date(timeIntervalSince1970: 10_000)
        let claimed = try await store.claimPendingEvents(before: Date(timeIntervalSince1970: 5_000), now: now, limit: 10)
        #expect(claimed == [PendingEvent(messageID: stale.messageID, roomID: room, since: now)], "only the mark nobody refreshed")
        #expect(try await store.claimPendingEvents(before: Date(timeIntervalSince1970: 5_000), now: now, limit: 10).isEmpty, "taken once")
        let all = try await store.pendingEvents(before: .distantFuture, limit: 10)
        #expect(Set(all.map(\.messageID)) == [stale.messageID, held.messageID, young.messageID], "claiming keeps the marks")
        #expect(all.first { $0.messageID == held.messageID }?.since == Date(timeIntervalSince1970: 8_000))
    }

    @Test("concurrent claims take each mark exactly once", arguments: StoreContractTests.kinds)
    func concurrentClaims(kind: StoreContractTests.Kind) async throws {
        let store = try await StoreContractTests.makeStore(kind)
        let marks = (0..<40).map { _ in PendingEvent(messageID: ObjectID(), roomID: ObjectID(), since: Date(timeIntervalSince1970: 1_000)) }
        try await store.markEventsPending(marks)
        let taken = try await withThrowingTaskGroup(of: [ObjectID].self) { group in
            for node in 0..<4 {
                group.addTask {
                    try await store.claimPendingEvents(before: Date(timeIntervalSince1970: 2_000), now: Date(timeIntervalSince1970: 3_000 + Double(node)), limit: 100)
                        .map(\.messageID)
                }
            }
            var all: [ObjectID] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(taken.count == marks.count && Set(taken) == Set(marks.map(\.messageID)), "each mark once: \(taken.count) claims")
    }
}
