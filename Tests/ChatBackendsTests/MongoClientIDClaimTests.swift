import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import MongoKit
import Testing

/// The claim protocol behind client ids on MongoDB, seen from a second node.
@Suite("MongoDB client-id claims", .enabled(if: MongoTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason)))
struct MongoClientIDClaimTests {
    @Test("a claim whose message never appears (its writer died) is taken over after a wait; a claim by a stored message answers a second node's resend")
    func takeover() async throws {
        let uri = try MongoTestServer.requireURI()
        let database = MongoTestServer.freshDatabase()
        let nodeA = try MongoChatStore(uri: uri, database: database)
        let nodeB = try MongoChatStore(uri: uri, database: database)
        try await nodeA.ensureIndexes()
        let raw = try MongoClient(uri: uri)
        let sender = User(username: "claimer", email: "claimer@example.com", passwordHash: "h")
        try await nodeA.insertUser(sender)
        let room = Room(name: "claims")
        try await nodeA.insertRoom(room)
        func draft(_ content: String, _ clientID: String) -> Message {
            Message(roomID: room.id, roomName: room.name, senderID: sender.id, senderName: sender.username, content: content, clientID: clientID)
        }

        // A node claimed "lost" and died before storing its message.
        let ghost = ObjectID()
        try await raw.collection("chatctl_client_ids", database: database).insertOne([
            "_id": .string(sender.id.hex + "/lost"), "message_id": .objectID(BSONObjectID(bytes: ghost.bytes)), "at": .date(Date().millisecondsSince1970),
        ])
        let resend = draft("after the crash", "lost")
        let stored = try await nodeB.insertMessage(resend)
        #expect(stored.id == resend.id)
        #expect(stored.sequence == 1)
        let claim = try #require(try await raw.collection("chatctl_client_ids", database: database).findOne(["_id": .string(sender.id.hex + "/lost")]))
        #expect(claim.objectID("message_id") == BSONObjectID(bytes: resend.id.bytes))

        // Stored through node A, resent through node B: node B answers with node A's message.
        let first = try await nodeA.insertMessage(draft("once", "k"))
        let again = try await nodeB.insertMessage(draft("once, resent", "k"))
        #expect(again.id == first.id)
        #expect(again.content == "once")
        #expect(try await nodeA.messageCounts(room: room.id).live == 2)
        await nodeA.close()
        await nodeB.close()
        await raw.close()
    }
}
