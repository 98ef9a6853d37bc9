import ChatCore
import Foundation
import MongoKit

/// `chatctl db copy` on MongoDB: pages by `_id` (ObjectId order, which is the records'
/// hex key order; the string `_id` of `chatctl_room_mutes` sorts as its key), and ordered
/// bulk writes that replace each document by `_id` or insert it (a room is updated
/// field by field instead, so that its sequence counter only moves forward).
extension MongoChatStore: StoreTransfer {
    /// The collection that holds `kind`'s records.
    static func transferCollection(_ kind: StoreCollection) -> String {
        switch kind {
        case .users: MongoLayout.clients
        case .rooms: MongoLayout.rooms
        case .roomMutes: roomMutes
        case .messages: MongoLayout.messages
        case .archivedMessages: MongoLayout.archivedMessages
        case .notifications: MongoLayout.notifications
        case .reports: reportsCollection
        case .auditLog: auditLog
        case .moderationNotices: moderationNotices
        }
    }

    /// What every read of `kind` selects: all documents, but only the moderation notices
    /// of a kind this version knows (the others cannot be carried).
    static func transferFilter(_ kind: StoreCollection) -> BSONDocument {
        guard kind == .moderationNotices else { return [:] }
        return ["kind": ["$in": .array(ModerationNotice.Kind.allCases.map { BSONValue.string($0.rawValue) })]]
    }

    /// A key as the `_id` it is; nil for a key that cannot be one.
    static func idValue(_ key: String, of kind: StoreCollection) -> BSONValue? {
        if kind == .roomMutes { return .string(key) }
        return ObjectID(hex: key).map { MongoLayout.value($0) }
    }

    public func recordCount(of kind: StoreCollection) async throws -> Int {
        try await mongo { try await self.collection(Self.transferCollection(kind)).countDocuments(Self.transferFilter(kind)) }
    }

    public func records(of kind: StoreCollection, after key: String?, limit: Int) async throws -> RecordBatch {
        var filter = Self.transferFilter(kind)
        if let key {
            guard let bound = Self.idValue(key, of: kind) else {
                throw ChatError(.invalidInput, field: "key", message: "'\(key)' is not a key of \(kind)")
            }
            filter["_id"] = .document(["$gt": bound])
        }
        let selected = filter
        let documents = try await mongo {
            try await self.collection(Self.transferCollection(kind)).find(selected, options: .init(sort: ["_id": 1], limit: limit))
        }
        return try Self.batch(kind, documents)
    }

    public func records(of kind: StoreCollection, keys: [String]) async throws -> RecordBatch {
        let ids = keys.compactMap { Self.idValue($0, of: kind) }
        guard !ids.isEmpty else { return .empty(kind) }
        var filter = Self.transferFilter(kind)
        filter["_id"] = .document(["$in": .array(ids)])
        let selected = filter
        let documents = try await mongo {
            try await self.collection(Self.transferCollection(kind)).find(selected, options: .init(sort: ["_id": 1]))
        }
        return try Self.batch(kind, documents)
    }

    /// Documents as records; a room's `last_seq` is its sequence counter.
    static func batch(_ kind: StoreCollection, _ documents: [BSONDocument]) throws -> RecordBatch {
        switch kind {
        case .users:
            return .users(try documents.map(MongoLayout.user))
        case .rooms:
            return .rooms(try documents.map { RoomRecord(room: try MongoLayout.room($0), lastSequence: Int64($0.int("last_seq") ?? 0)) })
        case .roomMutes:
            return .roomMutes(try documents.map(MongoLayout.mute))
        case .messages:
            return .messages(try documents.map { try MongoLayout.message($0, roomName: "", senderName: "") })
        case .archivedMessages:
            return .archivedMessages(try documents.map { try MongoLayout.message($0, roomName: "", senderName: "") })
        case .notifications:
            return .notifications(try documents.map(MongoLayout.notification))
        case .reports:
            return .reports(try documents.map(MongoLayout.report))
        case .auditLog:
            return .auditLog(try documents.map(MongoLayout.auditRecord))
        case .moderationNotices:
            return .moderationNotices(try documents.compactMap(MongoLayout.notice))
        }
    }

    /// Messages also move their rooms' `last_seq` up to their highest `seq` (`$max`), and
    /// live ones claim their client ids of the last day (`chatctl_client_ids`, where a
    /// resend of such a message is answered with it, as on the source).
    public func upsert(_ batch: RecordBatch) async throws {
        do {
            switch batch {
            case .users(let users):
                try await replace(users.map(MongoLayout.document), in: MongoLayout.clients)
            case .rooms(let records):
                try await collection(MongoLayout.rooms).bulkWrite(records.map(Self.roomWrite))
            case .roomMutes(let mutes):
                try await replace(mutes.map(MongoLayout.document), in: Self.roomMutes)
            case .messages(let messages):
                try await replace(messages.map(MongoLayout.liveDocument), in: MongoLayout.messages)
                try await raiseSequences(past: messages)
                try await claimCopiedClientIDs(of: messages)
            case .archivedMessages(let messages):
                try await replace(messages.map(MongoLayout.document), in: MongoLayout.archivedMessages)
                try await raiseSequences(past: messages)
            case .notifications(let notifications):
                try await replace(notifications.map(MongoLayout.document), in: MongoLayout.notifications)
            case .reports(let reports):
                try await replace(reports.map(MongoLayout.document), in: Self.reportsCollection)
            case .auditLog(let records):
                try await replace(records.map(MongoLayout.document), in: Self.auditLog)
            case .moderationNotices(let notices):
                try await replace(notices.map(MongoLayout.document), in: Self.moderationNotices)
            }
        } catch let error as MongoError where error.kind == .duplicateKey {
            let field: String
            switch batch.collection {
            case .users: field = error.message.contains("email") ? "email" : "username"
            case .rooms: field = "name"
            // The unique index on `{reporter_id, message_id}`: one report per reporter and message.
            case .reports: field = "report"
            default: field = "id"
            }
            throw ChatError.copyConflict(field, detail: "MongoDB: \(error.message)")
        } catch let error as MongoError {
            throw ChatError.backend("the database", detail: "MongoDB: \(error.message)")
        }
    }

    /// One ordered bulk write replacing each document by its `_id`, or inserting it.
    private func replace(_ documents: [BSONDocument], in name: String) async throws {
        let writes = documents.map { document in
            MongoCollection.BulkWrite.replaceOne(filter: ["_id": document["_id"] ?? .null], replacement: document, upsert: true)
        }
        try await collection(name).bulkWrite(writes)
    }

    /// A room's Go fields and rules set (the rules it leaves out unset), its `last_seq`
    /// raised to the copied counter, never lowered.
    static func roomWrite(_ record: RoomRecord) -> MongoCollection.BulkWrite {
        let room = record.room
        var set: BSONDocument = [
            "name": .string(room.name), "members": .array(room.members.map(MongoLayout.value)), "created_at": MongoLayout.value(room.createdAt),
        ]
        let rules = MongoLayout.ruleFields(room.rules)
        for (key, field) in rules.fields { set[key] = field }
        var unset: BSONDocument = [:]
        for key in MongoLayout.ruleKeys where rules[key] == nil { unset[key] = .string("") }
        var update: BSONDocument = ["$set": .document(set)]
        if !unset.isEmpty { update["$unset"] = .document(unset) }
        if record.lastSequence > 0 { update["$max"] = .document(["last_seq": .int64(record.lastSequence)]) }
        return .updateOne(filter: ["_id": MongoLayout.value(room.id)], update: update, upsert: true)
    }

    /// Each room's `last_seq` raised to the highest `seq` of these messages (a room not
    /// copied, or gone, is left alone).
    private func raiseSequences(past messages: [Message]) async throws {
        var highest: [ObjectID: Int64] = [:]
        for message in messages where message.sequence > 0 { highest[message.roomID] = max(highest[message.roomID] ?? 0, message.sequence) }
        let writes = highest.sorted { $0.key < $1.key }.map { room, sequence in
            MongoCollection.BulkWrite.updateOne(filter: ["_id": MongoLayout.value(room)], update: ["$max": ["last_seq": .int64(sequence)]], upsert: false)
        }
        try await collection(MongoLayout.rooms).bulkWrite(writes)
    }

    /// The claims a post would have made for these messages' client ids, for those of the
    /// last day (`ClientIDWindow`), dated with the message; a claim already there stays.
    private func claimCopiedClientIDs(of messages: [Message]) async throws {
        let since = Date().millisecondsSince1970 - ClientIDWindow.milliseconds
        let writes = messages.compactMap { message -> MongoCollection.BulkWrite? in
            guard let key = ClientIDPlan.Key(message), message.timestamp.millisecondsSince1970 >= since else { return nil }
            let claim: BSONDocument = ["$setOnInsert": ["message_id": MongoLayout.value(message.id), "at": MongoLayout.value(message.timestamp)]]
            return .updateOne(filter: ["_id": .string(key.claimID)], update: claim, upsert: true)
        }
        try await collection(Self.clientIDClaims).bulkWrite(writes)
    }
}
