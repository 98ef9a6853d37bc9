import ChatCore
import Foundation
import MongoKit

/// The production store: MongoDB through MongoKit, in the Go system's layout
/// (database `chat_app` unless `DATABASE_NAME` says otherwise).
public final class MongoChatStore: ChatStore, NodeRegistry {
    private let client: MongoClient
    public let database: String

    /// Connects lazily (libmongoc connects on first use); call `ensureIndexes()` at start-up.
    public init(uri: String, database: String, options: MongoClient.Options = .init()) throws {
        do {
            self.client = try MongoClient(uri: uri, options: options)
        } catch let error as MongoError {
            throw ChatError.backend("the database", detail: "MongoDB: \(error.message)")
        }
        self.database = database
    }

    public var displayName: String { "\(client.uri.redacted) (database \(database))" }

    func collection(_ name: String) -> MongoCollection { client.collection(name, database: database) }

    /// Runs a MongoKit call, turning its failures into ChatCore's (503-class) errors.
    func mongo<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as MongoError {
            throw ChatError.backend("the database", detail: "MongoDB: \(error.message)")
        }
    }

    /// One index of the layout, for reports.
    public struct IndexDescription: Sendable, Encodable {
        public var collection: String
        public var name: String
        public var keys: String
        public var unique: Bool
    }

    /// The indexes `ensureIndexes` creates.
    public static var indexes: [IndexDescription] {
        MongoLayout.indexes.map { entry in
            IndexDescription(
                collection: entry.collection, name: entry.index.name,
                keys: entry.index.keys.fields.map { "\($0.key): \($0.value.intValue ?? 0)" }.joined(separator: ", "),
                unique: entry.index.unique)
        }
    }

    /// Creates the layout's indexes (idempotent).
    public func ensureIndexes() async throws {
        try await mongo {
            for entry in MongoLayout.indexes {
                try await collection(entry.collection).createIndexes([entry.index])
            }
        }
    }

    public func ping() async throws { try await mongo { try await client.ping() } }

    /// Whether `database` (this store's by default) holds any user or room: one
    /// `findOne` each, cheap on any size of data.
    public func hasUsersOrRooms(inDatabase database: String? = nil) async throws -> Bool {
        try await mongo {
            let name = database ?? self.database
            for collection in [MongoLayout.clients, MongoLayout.rooms] {
                if try await client.collection(collection, database: name).findOne([:], options: .init(projection: ["_id": 1])) != nil { return true }
            }
            return false
        }
    }

    /// Stops the client's threads.
    public func close() async { await client.close() }

    // MARK: Users

    public func insertUser(_ user: User) async throws {
        do {
            try await collection(MongoLayout.clients).insertOne(MongoLayout.document(user))
        } catch let error as MongoError where error.kind == .duplicateKey {
            if error.message.contains("email") { throw ChatError.emailTaken }
            if error.message.contains("username") { throw ChatError.usernameTaken }
            // The message names no index (some servers): ask which value is taken.
            throw try await self.user(named: user.username) != nil ? ChatError.usernameTaken : ChatError.emailTaken
        } catch let error as MongoError {
            throw ChatError.backend("the database", detail: "MongoDB: \(error.message)")
        }
    }

    public func user(named username: String) async throws -> User? {
        try await mongo { try await collection(MongoLayout.clients).findOne(["username": .string(username)]).map(MongoLayout.user) }
    }

    public func user(id: ObjectID) async throws -> User? {
        try await mongo { try await collection(MongoLayout.clients).findOne(["_id": MongoLayout.value(id)]).map(MongoLayout.user) }
    }

    // MARK: Rooms

    public func insertRoom(_ room: Room) async throws {
        do {
            try await collection(MongoLayout.rooms).insertOne(MongoLayout.document(room))
        } catch let error as MongoError where error.kind == .duplicateKey {
            throw ChatError.roomExists
        } catch let error as MongoError {
            throw ChatError.backend("the database", detail: "MongoDB: \(error.message)")
        }
    }

    public func room(named name: String) async throws -> Room? {
        try await mongo { try await collection(MongoLayout.rooms).findOne(["name": .string(name)]).map(MongoLayout.room) }
    }

    public func room(id: ObjectID) async throws -> Room? {
        try await mongo { try await collection(MongoLayout.rooms).findOne(["_id": MongoLayout.value(id)]).map(MongoLayout.room) }
    }

    public func allRooms() async throws -> [Room] {
        try await mongo { try await collection(MongoLayout.rooms).find([:], options: .init(sort: ["name": 1])).map(MongoLayout.room) }
    }

    public func addMember(_ userID: ObjectID, toRoom roomID: ObjectID) async throws {
        let result = try await mongo {
            try await collection(MongoLayout.rooms).update(["_id": MongoLayout.value(roomID)], ["$addToSet": ["members": MongoLayout.value(userID)]])
        }
        if result.matched == 0 { throw ChatError.roomNotFound }
    }

    // MARK: Messages

    /// Sequence numbers come from a per-room counter (`rooms.last_seq`, `$inc` by the
    /// batch's count in one `findAndModify`), then the batch is one `insertMany`.
    /// Client ids are claimed first (`MongoChatStore+ClientIDs`): a resend is answered
    /// with the message stored the first time and takes no sequence number.
    public func insertMessages(_ messages: [Message]) async throws -> [Message] {
        try await mongo {
            var plan = ClientIDPlan(messages)
            plan.markEarlier(try await claimClientIDs(of: plan.candidates))
            let fresh = plan.fresh
            var counts: [ObjectID: Int64] = [:]
            for message in fresh { counts[message.roomID, default: 0] += 1 }
            var next: [ObjectID: Int64] = [:]
            do {
                for (roomID, count) in counts {
                    next[roomID] = try await reserveSequences(count, inRoom: roomID)
                }
                let stored = fresh.map { message -> Message in
                    var copy = message
                    copy.sequence = next[message.roomID]!
                    next[message.roomID]! += 1
                    return copy
                }
                if !stored.isEmpty {
                    try await collection(MongoLayout.messages).insertMany(stored.map(MongoLayout.liveDocument))
                }
                return plan.assemble(stored: stored)
            } catch {
                await releaseClaims(of: fresh)
                throw error
            }
        }
    }

    /// Takes `count` numbers from the room's counter (`rooms.last_seq`, one
    /// `findAndModify`); returns the first.
    func reserveSequences(_ count: Int64, inRoom roomID: ObjectID) async throws -> Int64 {
        let room = try await collection(MongoLayout.rooms).findOneAndUpdate(
            ["_id": MongoLayout.value(roomID)], ["$inc": ["last_seq": .int64(count)]])
        guard let last = room?.int("last_seq") else { throw ChatError.roomNotFound }
        return Int64(last) - count + 1
    }

    public func messages(inRoom roomID: ObjectID, afterSequence sequence: Int64, limit: Int) async throws -> [Message] {
        try await mongo {
            let documents = try await collection(MongoLayout.messages).find(
                ["room_id": MongoLayout.value(roomID), "seq": ["$gt": .int64(sequence)]], options: .init(sort: ["seq": 1], limit: limit))
            return try await withNames(documents, roomID: roomID)
        }
    }

    public func message(id: ObjectID, inRoom roomID: ObjectID) async throws -> Message? {
        try await mongo {
            let documents = try await collection(MongoLayout.messages).find(
                ["_id": MongoLayout.value(id), "room_id": MongoLayout.value(roomID)], options: .init(limit: 1))
            return try await withNames(documents, roomID: roomID).first
        }
    }

    /// The Go service writes this collection too, without `seq`: "recent" is by
    /// `timestamp` (as the Go service sorts), whoever wrote the message; `seq` and `_id`
    /// break ties within a millisecond.
    public func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message] {
        try await mongo {
            let documents = try await collection(MongoLayout.messages).find(
                ["room_id": MongoLayout.value(roomID)], options: .init(sort: MongoLayout.newestFirst, limit: limit))
            return try await withNames(documents, roomID: roomID)
        }
    }

    public func newestMessageID(inRoom roomID: ObjectID) async throws -> ObjectID? {
        try await mongo {
            try await collection(MongoLayout.messages).find(
                ["room_id": MongoLayout.value(roomID)], options: .init(sort: MongoLayout.newestFirst, projection: ["_id": 1], limit: 1)
            ).first.map { try MongoLayout.id($0, "_id") }
        }
    }

    /// chatctl's messages after `last` by room sequence (exact across nodes, whatever
    /// their clocks), and Go-written ones (no `seq`: their time is all there is) after it
    /// by `timestamp`, ties by `_id`; merged oldest first by `timestamp`. When `last` is
    /// Go-written, everything after it by `timestamp`.
    public func messages(inRoom roomID: ObjectID, after last: Message, limit: Int) async throws -> [Message] {
        let time = MongoLayout.value(last.timestamp)
        let laterByTime: BSONValue = .array([
            .document(["timestamp": ["$gt": time]]),
            .document(["timestamp": time, "_id": ["$gt": MongoLayout.value(last.id)]]),
        ])
        var filter: BSONDocument = ["room_id": MongoLayout.value(roomID)]
        if last.sequence > 0 {
            filter["$or"] = .array([
                .document(["seq": ["$gt": .int64(last.sequence)]]),
                .document(["seq": ["$exists": false], "$or": laterByTime]),
            ])
        } else {
            filter["$or"] = laterByTime
        }
        return try await mongo {
            let documents = try await collection(MongoLayout.messages).find(
                filter, options: .init(sort: ["timestamp": 1, "seq": 1, "_id": 1], limit: limit))
            return try await withNames(documents, roomID: roomID)
        }
    }

    /// Messages with their room's and senders' names (two lookups for the whole list).
    func withNames(_ documents: [BSONDocument], roomID: ObjectID) async throws -> [Message] {
        guard !documents.isEmpty else { return [] }
        let roomName = try await collection(MongoLayout.rooms).findOne(
            ["_id": MongoLayout.value(roomID)], options: .init(projection: ["name": 1]))?.string("name") ?? ""
        let senderIDs = Array(Set(documents.compactMap { $0["sender_id"] }))
        let senders = try await collection(MongoLayout.clients).find(
            ["_id": ["$in": .array(senderIDs)]], options: .init(projection: ["username": 1]))
        var names: [BSONObjectID: String] = [:]
        for sender in senders {
            if let id = sender.objectID("_id") { names[id] = sender.string("username") ?? "" }
        }
        return try documents.map { document in
            try MongoLayout.message(document, roomName: roomName, senderName: document.objectID("sender_id").flatMap { names[$0] } ?? "")
        }
    }

    // MARK: Notifications

    @discardableResult
    public func insertNotifications(_ notifications: [ChatNotification]) async throws -> Int {
        guard !notifications.isEmpty else { return 0 }
        return try await mongo {
            do {
                // Unordered: a duplicate (a redelivered event) does not stop the others.
                try await collection(MongoLayout.notifications).insertMany(notifications.map(MongoLayout.document), ordered: false)
                return notifications.count
            } catch let error as MongoError where error.kind == .duplicateKey {
                return 0
            }
        }
    }

    public func notifications(for receiverID: ObjectID, query: NotificationQuery) async throws -> [ChatNotification] {
        var filter: BSONDocument = ["receiver_id": MongoLayout.value(receiverID)]
        if query.unseenOnly { filter["seen"] = .bool(false) }
        if let before = query.before { filter["timestamp"] = .document(["$lt": MongoLayout.value(before)]) }
        return try await mongo {
            try await collection(MongoLayout.notifications).find(filter, options: .init(sort: ["timestamp": -1, "_id": -1], limit: query.limit))
                .map(MongoLayout.notification)
        }
    }

    public func markSeen(receiver receiverID: ObjectID, ids: [ObjectID]?) async throws -> Int {
        var filter: BSONDocument = ["receiver_id": MongoLayout.value(receiverID), "seen": .bool(false)]
        if let ids { filter["_id"] = .document(["$in": .array(ids.map(MongoLayout.value))]) }
        let result = try await mongo {
            try await collection(MongoLayout.notifications).update(filter, ["$set": ["seen": .bool(true)]], many: true)
        }
        return result.modified
    }
}
