import ChatCore
import Foundation
import MongoKit

/// Moderation on MongoDB: a message found in `messages` or `archived_messages`, one
/// sender's messages in either, a redaction in both (`content` emptied,
/// `redacted_at`/`redacted_by`/`redaction_reason` beside the Go fields, so the Go service
/// still reads the document), its notifications, and the `chatctl_moderation_notices` log
/// every chat node reads.
extension MongoChatStore {
    static let moderationNotices = "chatctl_moderation_notices"

    public func locateMessage(id: ObjectID) async throws -> LocatedMessage? {
        let places: [(collection: String, place: LocatedMessage.Place)] = [(MongoLayout.messages, .live), (MongoLayout.archivedMessages, .archived)]
        for (name, place) in places {
            let found = try await mongo { () async throws -> Message? in
                guard let document = try await collection(name).findOne(["_id": MongoLayout.value(id)]) else { return nil }
                return try await withNames([document], roomID: try MongoLayout.id(document, "room_id")).first
            }
            if let found { return LocatedMessage(message: found, place: place) }
        }
        return nil
    }

    /// One `updateMany` per collection; a copy redacted before is left as it is.
    public func redactMessages(ids: [ObjectID], redaction: Redaction) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        var set = MongoLayout.redactionFields(redaction)
        set["content"] = .string("")
        let filter: BSONDocument = ["_id": ["$in": .array(ids.map(MongoLayout.value))], "redacted_at": ["$exists": false]]
        let change: BSONDocument = ["$set": .document(set)]
        return try await mongo {
            var changed = 0
            for name in [MongoLayout.messages, MongoLayout.archivedMessages] {
                changed += try await collection(name).update(filter, change, many: true).modified
            }
            return changed
        }
    }

    public func redactNotifications(ids: [ObjectID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await mongo {
            try await collection(MongoLayout.notifications).update(
                ["_id": ["$in": .array(ids.map(MongoLayout.value))], "content": ["$ne": .string("")]], ["$set": ["content": .string("")]], many: true
            ).modified
        }
    }

    /// One `updateMany`; a scan of `notifications` (no index by sender).
    public func redactNotifications(sentBy sender: ObjectID) async throws -> Int {
        try await mongo {
            try await collection(MongoLayout.notifications).update(
                ["sender_id": MongoLayout.value(sender), "content": ["$ne": .string("")]], ["$set": ["content": .string("")]], many: true
            ).modified
        }
    }

    public func deleteNotifications(ids: [ObjectID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await mongo {
            try await collection(MongoLayout.notifications).delete(["_id": ["$in": .array(ids.map(MongoLayout.value))]], many: true).deleted
        }
    }

    // MARK: One sender's messages

    /// Walks the `sender_id_timestamp` index of `messages` or `archived_messages`.
    public func messages(matching query: SenderMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message] {
        try await find(Self.collectionName(place), Self.senderFilter(query), limit: limit)
    }

    public func countMessages(matching query: SenderMessageQuery, in place: LocatedMessage.Place) async throws -> Int {
        try await mongo { try await collection(Self.collectionName(place)).countDocuments(Self.senderFilter(query)) }
    }

    static func collectionName(_ place: LocatedMessage.Place) -> String {
        place == .live ? MongoLayout.messages : MongoLayout.archivedMessages
    }

    /// `{sender_id, room_id?, timestamp: {$gte?, $lt?}, redacted_at: {$exists: false}?}`.
    static func senderFilter(_ query: SenderMessageQuery) -> BSONDocument {
        var filter: BSONDocument = ["sender_id": MongoLayout.value(query.sender)]
        if let room = query.room { filter["room_id"] = MongoLayout.value(room) }
        var range: BSONDocument = [:]
        if let from = query.from { range["$gte"] = MongoLayout.value(from) }
        if let to = query.to { range["$lt"] = MongoLayout.value(to) }
        if query.from != nil || query.to != nil { filter["timestamp"] = .document(range) }
        if query.unredactedOnly { filter["redacted_at"] = .document(["$exists": .bool(false)]) }
        if let after = query.after { filter["$or"] = MongoLayout.after(after) }
        return filter
    }

    // MARK: Moderation notices

    public func recordModerationNotice(_ notice: ModerationNotice) async throws {
        try await mongo {
            _ = try await collection(Self.moderationNotices).delete(
                ["at": .document(["$lt": MongoLayout.value(Date().addingTimeInterval(-86_400))])], many: true)
            try await collection(Self.moderationNotices).insertOne(MongoLayout.document(notice))
        }
    }

    public func moderationNotices(since: Date) async throws -> [ModerationNotice] {
        try await mongo {
            try await collection(Self.moderationNotices).find(
                ["at": .document(["$gte": MongoLayout.value(since)])], options: .init(sort: ["at": 1, "_id": 1])
            ).compactMap(MongoLayout.notice)
        }
    }
}
