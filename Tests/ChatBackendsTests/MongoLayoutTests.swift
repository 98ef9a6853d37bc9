import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import MongoKit
import Testing

/// Our documents are the Go service's documents, both ways.
@Suite("MongoDB layout compatibility with the Go service", .enabled(if: MongoTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason)))
struct MongoLayoutTests {
    struct Fixture {
        let store: MongoChatStore
        let raw: MongoClient
        let database: String
    }

    func fixture() async throws -> Fixture {
        let uri = try MongoTestServer.requireURI()
        let database = MongoTestServer.freshDatabase()
        let store = try MongoChatStore(uri: uri, database: database)
        try await store.ensureIndexes()
        return Fixture(store: store, raw: try MongoClient(uri: uri), database: database)
    }

    func oid(_ id: ObjectID) -> BSONValue { .objectID(BSONObjectID(bytes: id.bytes)) }

    @Test("documents the Go service wrote are read: users log in with their old bcrypt hash, rooms keep members")
    func readsGoDocuments() async throws {
        let f = try await fixture()
        let userID = ObjectID(), roomID = ObjectID(), otherMember = ObjectID()
        try await f.raw.collection("clients", database: f.database).insertOne([
            "_id": oid(userID), "username": "varga", "email": "varga@example.com",
            "password_hash": "$2a$10$FQ7deNcqjTjMUYR4/3RqfOcI0RAGuk2EunrRIHYg4OcnPzCa4k3sq", "created_at": .date(1_718_000_000_000),
        ])
        try await f.raw.collection("rooms", database: f.database).insertOne([
            "_id": oid(roomID), "name": "old-room", "members": .array([oid(otherMember)]), "created_at": .date(1_718_000_000_000),
        ])
        let user = try #require(try await f.store.user(named: "varga"))
        #expect(user.id == userID)
        #expect(try await BcryptPasswordHasher().verify("correct horse battery", against: user.passwordHash))
        try await f.store.addMember(userID, toRoom: roomID)
        #expect(try await f.store.room(named: "old-room")?.members == [otherMember, userID])

        // A room written before `members` existed gets the field on first join.
        let bare = ObjectID()
        try await f.raw.collection("rooms", database: f.database).insertOne(["_id": oid(bare), "name": "bare", "created_at": .date(0)])
        #expect(try await f.store.room(named: "bare")?.members == [])
        try await f.store.addMember(userID, toRoom: bare)
        #expect(try await f.store.room(named: "bare")?.members == [userID])
        await f.store.close()
        await f.raw.close()
    }

    @Test("documents we write have exactly the Go field names and BSON types")
    func writesGoDocuments() async throws {
        let f = try await fixture()
        let user = User(username: "nova", email: "nova@example.com", passwordHash: "$2a$10$x")
        try await f.store.insertUser(user)
        let room = Room(name: "fresh", members: [user.id])
        try await f.store.insertRoom(room)
        let message = Message(roomID: room.id, roomName: "fresh", senderID: user.id, senderName: "nova", content: "hi")
        try await f.store.insertMessage(message)

        let client = try #require(try await f.raw.collection("clients", database: f.database).findOne([:]))
        #expect(client.keys == ["_id", "username", "email", "password_hash", "created_at"])
        #expect(client.objectID("_id") != nil && client.dateMilliseconds("created_at") != nil)
        let storedRoom = try #require(try await f.raw.collection("rooms", database: f.database).findOne([:]))
        // The Go fields, then our room sequence counter (the Go service ignores it).
        #expect(storedRoom.keys == ["_id", "name", "members", "created_at", "last_seq"])
        #expect(storedRoom.array("members") == [oid(user.id)])
        let storedMessage = try #require(try await f.raw.collection("messages", database: f.database).findOne([:]))
        #expect(storedMessage.keys == ["_id", "content", "sender_id", "room_id", "timestamp", "seq"])
        #expect(storedMessage.int64("seq") == 1)
        #expect(storedMessage.objectID("sender_id") != nil && storedMessage.objectID("room_id") != nil)
        #expect(storedMessage.dateMilliseconds("timestamp") == message.timestamp.millisecondsSince1970)
        await f.store.close()
        await f.raw.close()
    }

    @Test("a redacted message keeps the Go fields and types (content an empty string), with chatctl's redaction beside them, in messages and archived_messages")
    func redactedMessageStaysGoReadable() async throws {
        let f = try await fixture()
        let room = Room(name: "moderated")
        try await f.store.insertRoom(room)
        let message = try await f.store.insertMessage(Message(roomID: room.id, roomName: room.name, senderID: ObjectID(), senderName: "x", content: "spam"))
        try await f.store.copyToArchive([message])
        let redaction = Redaction(by: "root@ops1", reason: "spam")
        #expect(try await f.store.redactMessages(ids: [message.id], redaction: redaction) == 2)
        for collection in ["messages", "archived_messages"] {
            let stored = try #require(try await f.raw.collection(collection, database: f.database).findOne(["_id": oid(message.id)]))
            #expect(Array(stored.keys.prefix(5)) == ["_id", "content", "sender_id", "room_id", "timestamp"], "\(collection)")
            #expect(stored.string("content") == "" && stored.objectID("sender_id") != nil && stored.dateMilliseconds("timestamp") != nil)
            #expect(stored.dateMilliseconds("redacted_at") == redaction.at.millisecondsSince1970)
            #expect(stored.string("redacted_by") == "root@ops1" && stored.string("redaction_reason") == "spam")
        }
        await f.store.close()
        await f.raw.close()
    }

    @Test("room rules and a ban sit beside the Go fields of rooms and clients, with the Go types; cleared, the rules read as none")
    func rulesAndBansStayGoReadable() async throws {
        let f = try await fixture()
        let user = User(username: "kim", email: "kim@example.com", passwordHash: "$2a$10$x")
        try await f.store.insertUser(user)
        let room = Room(name: "ruled", members: [user.id])
        try await f.store.insertRoom(room)
        _ = try await f.store.changeRoomRules(.init(readOnly: true, slowModeSeconds: 10, addModerators: [user.id], topic: .set("news")), roomID: room.id)
        let ban = Ban(until: Date().addingTimeInterval(3600), reason: "spam", by: "root@ops1")
        #expect(try await f.store.setBan(ban, forUser: user.id))

        let storedRoom = try #require(try await f.raw.collection("rooms", database: f.database).findOne([:]))
        #expect(Array(storedRoom.keys.prefix(4)) == ["_id", "name", "members", "created_at"])
        #expect(storedRoom.array("members") == [oid(user.id)] && storedRoom.dateMilliseconds("created_at") != nil)
        #expect(storedRoom.bool("read_only") == true && storedRoom.int("slow_mode_seconds") == 10 && storedRoom.string("topic") == "news")
        #expect(storedRoom.array("moderators") == [oid(user.id)])
        let client = try #require(try await f.raw.collection("clients", database: f.database).findOne([:]))
        #expect(Array(client.keys.prefix(5)) == ["_id", "username", "email", "password_hash", "created_at"])
        #expect(client.dateMilliseconds("banned_at") == ban.at.millisecondsSince1970 && client.string("ban_reason") == "spam")
        #expect(client.dateMilliseconds("banned_until") == ban.until?.millisecondsSince1970 && client.string("banned_by") == "root@ops1")

        let cleared = try await f.store.changeRoomRules(
            .init(readOnly: false, slowModeSeconds: 0, removeModerators: [user.id], topic: .clear), roomID: room.id)
        #expect(cleared?.rules == RoomRules())
        #expect(try await f.store.setBan(nil, forUser: user.id))
        let plain = try #require(try await f.raw.collection("clients", database: f.database).findOne([:]))
        #expect(plain.keys == ["_id", "username", "email", "password_hash", "created_at"], "no ban: the document as the Go service wrote it")
        let plainRoom = try #require(try await f.raw.collection("rooms", database: f.database).findOne([:]))
        #expect(plainRoom["read_only"] == nil && plainRoom["slow_mode_seconds"] == nil && plainRoom["topic"] == nil)
        await f.store.close()
        await f.raw.close()
    }

    @Test("a room's archive age and retention are int64 seconds beside the Go fields (retention none: 0); back to the default, they are gone")
    func lifecycleStaysGoReadable() async throws {
        let f = try await fixture()
        let room = Room(name: "aged")
        try await f.store.insertRoom(room)
        _ = try await f.store.changeRoomRules(.init(archiveAfter: .set(604_800), retention: .set(.seconds(7_776_000))), roomID: room.id)
        let stored = try #require(try await f.raw.collection("rooms", database: f.database).findOne([:]))
        #expect(Array(stored.keys.prefix(4)) == ["_id", "name", "members", "created_at"])
        #expect(stored.int64("archive_after_seconds") == 604_800 && stored.int64("retention_seconds") == 7_776_000)

        _ = try await f.store.changeRoomRules(.init(retention: .set(.forever)), roomID: room.id)
        let kept = try #require(try await f.raw.collection("rooms", database: f.database).findOne([:]))
        #expect(kept.int64("retention_seconds") == 0)
        #expect(try await f.store.room(id: room.id)?.rules.retention == .forever)

        _ = try await f.store.changeRoomRules(.init(archiveAfter: .useDefault, retention: .useDefault), roomID: room.id)
        let plain = try #require(try await f.raw.collection("rooms", database: f.database).findOne([:]))
        #expect(plain.keys == ["_id", "name", "members", "created_at"], "the room as the Go service wrote it")
        await f.store.close()
        await f.raw.close()
    }
}
