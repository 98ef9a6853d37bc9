import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// One contract every store implements, run against each of them.
@Suite("store contract")
struct StoreContractTests {
    typealias Kind = TestStores.Kind

    static var kinds: [Kind] { TestStores.kinds }

    static func makeStore(_ kind: Kind) async throws -> any ChatStore { try await TestStores.make(kind) }

    func user(_ name: String) -> User {
        User(username: name, email: "\(name)@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
    }

    @Test("users: insert, find by name and id; duplicates are refused by field", arguments: kinds)
    func users(kind: Kind) async throws {
        let store = try await Self.makeStore(kind)
        let alice = user("alice")
        try await store.insertUser(alice)
        #expect(try await store.user(named: "alice") == alice)
        #expect(try await store.user(id: alice.id) == alice)
        #expect(try await store.user(named: "ALICE") == nil)
        await #expect(throws: ChatError.usernameTaken) { try await store.insertUser(User(username: "alice", email: "x@example.com", passwordHash: "h")) }
        await #expect(throws: ChatError.emailTaken) { try await store.insertUser(User(username: "alice2", email: "alice@example.com", passwordHash: "h")) }
    }

    @Test("concurrent signups of one username: exactly one wins", arguments: kinds)
    func concurrentUniqueness(kind: Kind) async throws {
        let store = try await Self.makeStore(kind)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask {
                    (try? await store.insertUser(User(username: "racer", email: "r\(index)@example.com", passwordHash: "h"))) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
    }

    @Test("rooms: unique names, members are a set kept in join order", arguments: kinds)
    func rooms(kind: Kind) async throws {
        let store = try await Self.makeStore(kind)
        let a = user("a"), b = user("b")
        let room = Room(name: "general", members: [a.id])
        try await store.insertRoom(room)
        await #expect(throws: ChatError.roomExists) { try await store.insertRoom(Room(name: "general")) }
        try await store.addMember(b.id, toRoom: room.id)
        try await store.addMember(a.id, toRoom: room.id)
        try await store.addMember(b.id, toRoom: room.id)
        let found = try #require(try await store.room(named: "general"))
        #expect(found.members == [a.id, b.id])
        #expect(found.createdAt == room.createdAt)
        try await store.insertRoom(Room(name: "alpha"))
        #expect(try await store.allRooms().map(\.name) == ["alpha", "general"])
    }

    @Test("messages: newest first, limited, with sender and room names", arguments: kinds)
    func messages(kind: Kind) async throws {
        let store = try await Self.makeStore(kind)
        let sender = user("writer")
        try await store.insertUser(sender)
        let room = Room(name: "log")
        try await store.insertRoom(room)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<70 {
            try await store.insertMessage(Message(
                roomID: room.id, roomName: "log", senderID: sender.id, senderName: "writer", content: "m\(index)",
                timestamp: base.addingTimeInterval(Double(index))))
        }
        let recent = try await store.recentMessages(inRoom: room.id, limit: 50)
        #expect(recent.count == 50)
        #expect(recent.first?.content == "m69")
        #expect(recent.last?.content == "m20")
        #expect(recent.allSatisfy { $0.senderName == "writer" && $0.roomName == "log" })
        #expect(recent.first?.timestamp == base.addingTimeInterval(69))
        #expect(try await store.recentMessages(inRoom: ObjectID(), limit: 50).isEmpty)
    }

    @Test("notifications: stored per receiver, newest first", arguments: kinds)
    func notifications(kind: Kind) async throws {
        let store = try await Self.makeStore(kind)
        let receiver = ObjectID()
        let first = ChatNotification(content: "one", senderID: ObjectID(), roomID: ObjectID(), receiverID: receiver, timestamp: Date(timeIntervalSince1970: 1))
        let second = ChatNotification(content: "two", senderID: ObjectID(), roomID: ObjectID(), receiverID: receiver, timestamp: Date(timeIntervalSince1970: 2))
        try await store.insertNotifications([first, second])
        #expect(try await store.notifications(for: receiver, limit: 10).map(\.content) == ["two", "one"])
        #expect(try await store.notifications(for: ObjectID(), limit: 10).isEmpty)
    }

    @Test("notifications: a stored id is skipped (idempotent), unseen/before/limit filter, mark seen by id or all, per receiver", arguments: kinds)
    func notificationLifecycle(kind: Kind) async throws {
        let store = try await Self.makeStore(kind)
        let (ann, bob) = (ObjectID(), ObjectID())
        let room = ObjectID()
        let forAnn = (1...4).map {
            ChatNotification(content: "n\($0)", senderID: bob, roomID: room, receiverID: ann, timestamp: Date(timeIntervalSince1970: Double($0)))
        }
        let forBob = ChatNotification(content: "b", senderID: ann, roomID: room, receiverID: bob, timestamp: Date(timeIntervalSince1970: 5))
        #expect(try await store.insertNotifications(forAnn + [forBob]) == 5)
        #expect(try await store.insertNotifications([forAnn[0]]) == 0, "the same id again stores nothing")
        #expect(try await store.notifications(for: ann, limit: 10).count == 4)

        let page = try await store.notifications(for: ann, query: NotificationQuery(limit: 2))
        #expect(page.map(\.content) == ["n4", "n3"])
        let older = try await store.notifications(for: ann, query: NotificationQuery(before: page.last!.timestamp, limit: 10))
        #expect(older.map(\.content) == ["n2", "n1"])

        #expect(try await store.markSeen(receiver: ann, ids: [forAnn[3].id, forBob.id]) == 1, "another receiver's id is ignored")
        #expect(try await store.notifications(for: ann, query: NotificationQuery(unseenOnly: true)).map(\.content) == ["n3", "n2", "n1"])
        #expect(try await store.markSeen(receiver: ann, ids: nil) == 3)
        #expect(try await store.notifications(for: ann, query: NotificationQuery(unseenOnly: true)).isEmpty)
        #expect(try await store.notifications(for: bob, query: NotificationQuery(unseenOnly: true)).map(\.content) == ["b"])
        #expect(try await store.markSeen(receiver: ann, ids: nil) == 0)
    }

    @Test("leases: one holder at a time; renew and release only by the holder; an expired lease can be taken", arguments: kinds)
    func leases(kind: Kind) async throws {
        let store = try await Self.makeStore(kind)
        let name = "task:test:\(UUID().uuidString.prefix(6))"
        let soon = Date().addingTimeInterval(60)
        #expect(try await store.acquireLease(name, token: "a", expiresAt: soon))
        #expect(try await store.acquireLease(name, token: "b", expiresAt: soon) == false)
        #expect(try await store.renewLease(name, token: "b", expiresAt: soon) == false)
        #expect(try await store.renewLease(name, token: "a", expiresAt: soon))
        try await store.releaseLease(name, token: "b")
        #expect(try await store.acquireLease(name, token: "c", expiresAt: soon) == false, "b's release did nothing")
        // Moved into the past: expired (no sleeping on a clock in tests).
        #expect(try await store.renewLease(name, token: "a", expiresAt: Date().addingTimeInterval(-1)))
        #expect(try await store.acquireLease(name, token: "c", expiresAt: soon), "an expired lease is free")
        try await store.releaseLease(name, token: "c")
        #expect(try await store.acquireLease(name, token: "d", expiresAt: soon))
    }

    @Test("rooms can be found by id", arguments: kinds)
    func roomByID(kind: Kind) async throws {
        let store = try await Self.makeStore(kind)
        let room = Room(name: "by-id", members: [ObjectID()])
        try await store.insertRoom(room)
        #expect(try await store.room(id: room.id) == room)
        #expect(try await store.room(id: ObjectID()) == nil)
    }
}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("data survives reopening; migrations run once")
    func reopen() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-reopen-\(UUID().uuidString)/nested/chat.sqlite").path
        let user = User(username: "keeper", email: "k@example.com", passwordHash: "h")
        do {
            let store = try await SQLiteChatStore.open(path: path)
            try await store.insertUser(user)
        }
        let reopened = try await SQLiteChatStore.open(path: path)
        #expect(try await reopened.user(named: "keeper") == user)
        try await reopened.ping()
    }
}

@Suite("store contract: sequence numbers")
struct SequenceContractTests {
    typealias Kind = StoreContractTests.Kind

    func message(_ content: String, room: ObjectID, sender: ObjectID) -> Message {
        Message(roomID: room, roomName: "r", senderID: sender, senderName: "s", content: content)
    }

    @Test("each room counts 1, 2, 3…; a batch takes consecutive numbers; gaps can be read back in order", arguments: StoreContractTests.kinds)
    func perRoom(kind: Kind) async throws {
        let store = try await StoreContractTests.makeStore(kind)
        let sender = User(username: "seq", email: "seq@example.com", passwordHash: "h")
        try await store.insertUser(sender)
        let one = Room(name: "one"), two = Room(name: "two")
        try await store.insertRoom(one)
        try await store.insertRoom(two)
        let first = try await store.insertMessage(message("a", room: one.id, sender: sender.id))
        let batch = try await store.insertMessages([
            message("b", room: one.id, sender: sender.id), message("x", room: two.id, sender: sender.id),
            message("c", room: one.id, sender: sender.id),
        ])
        #expect(first.sequence == 1)
        #expect(batch.map(\.sequence) == [2, 1, 3])
        let after = try await store.messages(inRoom: one.id, afterSequence: 1, limit: 10)
        #expect(after.map(\.content) == ["b", "c"])
        #expect(after.map(\.sequence) == [2, 3])
        #expect(after.allSatisfy { $0.senderName == "seq" && $0.roomName == "one" })
        #expect(try await store.recentMessages(inRoom: one.id, limit: 10).map(\.sequence) == [3, 2, 1])
    }

    @Test("concurrent writers get unique sequence numbers", arguments: StoreContractTests.kinds)
    func concurrent(kind: Kind) async throws {
        let store = try await StoreContractTests.makeStore(kind)
        let room = Room(name: "busy")
        try await store.insertRoom(room)
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<30 {
                group.addTask { try await store.insertMessage(message("m\(index)", room: room.id, sender: ObjectID())).sequence }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(sequences.sorted() == Array(1...30))
    }
}
