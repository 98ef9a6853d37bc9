import ChatCore
import Foundation
import MongoKit

/// Archiving on MongoDB: `archived_messages` holds documents of the `messages` layout;
/// copies are unordered `insertMany`s that tolerate duplicate ids (idempotent).
extension MongoChatStore {
    public func oldMessageSummary(olderThan cutoff: Date, room: ObjectID?) async throws -> [OldMessageSummary] {
        var filter: BSONDocument = ["timestamp": .document(["$lt": MongoLayout.value(cutoff)])]
        if let room { filter["room_id"] = MongoLayout.value(room) }
        // Streamed and summed here: counts, bytes and the oldest per room in one pass.
        var rooms: [ObjectID: OldMessageSummary] = [:]
        try await mongo {
            let cursor = try await collection(MongoLayout.messages).stream(
                filter, options: .init(projection: ["room_id": 1, "content": 1, "timestamp": 1], batchSize: 1000))
            for try await document in cursor {
                guard let roomID = try? MongoLayout.id(document, "room_id") else { continue }
                let timestamp = MongoLayout.date(document, "timestamp")
                let bytes = document.string("content")?.utf8.count ?? 0
                if var summary = rooms[roomID] {
                    summary.count += 1
                    summary.bytes += bytes
                    summary.oldest = min(summary.oldest, timestamp)
                    rooms[roomID] = summary
                } else {
                    rooms[roomID] = OldMessageSummary(roomID: roomID, count: 1, bytes: bytes, oldest: timestamp)
                }
            }
        }
        return rooms.values.sorted { $0.roomID.hex < $1.roomID.hex }
    }

    public func oldMessages(olderThan cutoff: Date, room: ObjectID?, limit: Int) async throws -> [Message] {
        var filter: BSONDocument = ["timestamp": .document(["$lt": MongoLayout.value(cutoff)])]
        if let room { filter["room_id"] = MongoLayout.value(room) }
        return try await find(MongoLayout.messages, filter, limit: limit)
    }

    public func copyToArchive(_ messages: [Message]) async throws {
        try await copy(messages, into: MongoLayout.archivedMessages)
    }

    public func deleteMessages(ids: [ObjectID]) async throws -> Int {
        try await delete(ids, from: MongoLayout.messages)
    }

    public func archivedMessages(room: ObjectID?, from: Date?, to: Date?, limit: Int) async throws -> [Message] {
        var filter: BSONDocument = [:]
        if let room { filter["room_id"] = MongoLayout.value(room) }
        var range: BSONDocument = [:]
        if let from { range["$gte"] = MongoLayout.value(from) }
        if let to { range["$lt"] = MongoLayout.value(to) }
        if from != nil || to != nil { filter["timestamp"] = .document(range) }
        return try await find(MongoLayout.archivedMessages, filter, limit: limit)
    }

    /// A copy without `seq` (the Go scheduler archives Go-written messages) takes the
    /// next numbers of its room, in the order given (oldest first), so resume and gap
    /// repair can find it once restored.
    public func copyFromArchive(_ messages: [Message]) async throws {
        var unnumbered: [ObjectID: Int64] = [:]
        for message in messages where message.sequence <= 0 { unnumbered[message.roomID, default: 0] += 1 }
        var next: [ObjectID: Int64] = [:]
        try await mongo {
            for (roomID, count) in unnumbered {
                do {
                    next[roomID] = try await reserveSequences(count, inRoom: roomID)
                } catch let error as ChatError where error == .roomNotFound {
                    // The room is gone: restored as they are (nothing can join it to read them).
                }
            }
        }
        let numbered = messages.map { message -> Message in
            guard message.sequence <= 0, let sequence = next[message.roomID] else { return message }
            var copy = message
            copy.sequence = sequence
            next[message.roomID] = sequence + 1
            return copy
        }
        try await copy(numbered, into: MongoLayout.messages)
    }

    public func deleteArchived(ids: [ObjectID]) async throws -> Int {
        try await delete(ids, from: MongoLayout.archivedMessages)
    }

    public func messageCounts(room: ObjectID?) async throws -> (live: Int, archived: Int) {
        let filter: BSONDocument = room.map { ["room_id": MongoLayout.value($0)] } ?? [:]
        return try await mongo {
            (try await collection(MongoLayout.messages).countDocuments(filter), try await collection(MongoLayout.archivedMessages).countDocuments(filter))
        }
    }

    /// Streamed and folded here, as `oldMessageSummary` (no aggregation pipeline): one
    /// room's through `room_id_timestamp` (on both collections), every room's through
    /// `timestamp` (messages) or a scan (the archive, read only where a retention applies).
    public func agedMessages(in place: LocatedMessage.Place, olderThan cutoff: Date, room: ObjectID?) async throws -> [AgedMessages] {
        var filter: BSONDocument = ["timestamp": .document(["$lt": MongoLayout.value(cutoff)])]
        if let room { filter["room_id"] = MongoLayout.value(room) }
        let name = place == .live ? MongoLayout.messages : MongoLayout.archivedMessages
        var rooms: [ObjectID: AgedMessages] = [:]
        try await mongo {
            let cursor = try await collection(name).stream(
                filter, options: .init(projection: ["_id": 1, "room_id": 1, "timestamp": 1], batchSize: 1000))
            for try await document in cursor {
                guard let roomID = try? MongoLayout.id(document, "room_id"), let id = try? MongoLayout.id(document, "_id") else { continue }
                let one = AgedMessages(roomID: roomID, id: id, timestamp: MongoLayout.date(document, "timestamp"))
                rooms[roomID] = AgedMessages.sum(rooms[roomID], one)
            }
        }
        return rooms.values.sorted { $0.roomID.hex < $1.roomID.hex }
    }

    /// Messages with their rooms' names (one lookup for the batch), oldest first (also
    /// one sender's, `MongoChatStore+Moderation`).
    func find(_ name: String, _ filter: BSONDocument, limit: Int) async throws -> [Message] {
        try await mongo {
            let documents = try await collection(name).find(filter, options: .init(sort: ["timestamp": 1, "_id": 1], limit: limit))
            guard !documents.isEmpty else { return [] }
            let roomIDs = Array(Set(documents.compactMap { $0["room_id"] }))
            var names: [BSONObjectID: String] = [:]
            for room in try await collection(MongoLayout.rooms).find(["_id": ["$in": .array(roomIDs)]], options: .init(projection: ["name": 1])) {
                if let id = room.objectID("_id") { names[id] = room.string("name") ?? "" }
            }
            return try documents.map { document in
                try MongoLayout.message(document, roomName: document.objectID("room_id").flatMap { names[$0] } ?? "", senderName: "")
            }
        }
    }

    private func copy(_ messages: [Message], into name: String) async throws {
        guard !messages.isEmpty else { return }
        try await mongo {
            do {
                try await collection(name).insertMany(messages.map(MongoLayout.document), ordered: false)
            } catch let error as MongoError where error.kind == .duplicateKey {
                // Already there (a rerun after a failure between copy and delete): kept as is.
            }
        }
    }

    private func delete(_ ids: [ObjectID], from name: String) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await mongo {
            try await collection(name).delete(["_id": .document(["$in": .array(ids.map(MongoLayout.value))])], many: true).deleted
        }
    }
}
