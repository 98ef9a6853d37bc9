import ChatCore
import Foundation
import MongoKit

/// A room's messages in time order (the `room_id_timestamp_id` index of `messages` and
/// `archived_messages`) and messages written back by id, on MongoDB.
extension MongoChatStore {
    public func roomMessages(matching query: RoomMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message] {
        var filter: BSONDocument = ["room_id": MongoLayout.value(query.room)]
        var range: BSONDocument = [:]
        if let from = query.from { range["$gte"] = MongoLayout.value(from) }
        if let to = query.to { range["$lt"] = MongoLayout.value(to) }
        if !range.isEmpty { filter["timestamp"] = .document(range) }
        if let after = query.after { filter["$or"] = MongoLayout.after(after) }
        return try await mongo {
            let documents = try await collection(Self.collectionName(place)).find(
                filter, options: .init(sort: ["timestamp": 1, "_id": 1], limit: limit))
            return try await withNames(documents, roomID: query.room)
        }
    }

    /// The ids already stored (in either collection) are read first and skipped; the
    /// numbers a batch keeps move the room's counter past them (`$max` of
    /// `rooms.last_seq`) before the others take the next ones (`$inc`), so a later post
    /// is numbered after every one kept; then one unordered `insertMany`. Two imports of
    /// one file at once may both pass the read: the second insert then hits the first's
    /// ids (E11000) and is counted as added, though it added nothing.
    public func importMessages(_ messages: [Message]) async throws -> Int {
        guard !messages.isEmpty else { return 0 }
        return try await mongo {
            var seen = Set<ObjectID>()
            let ids = Array(Set(messages.map(\.id))).map(MongoLayout.value)
            for name in [MongoLayout.messages, MongoLayout.archivedMessages] {
                for document in try await collection(name).find(["_id": ["$in": .array(ids)]], options: .init(projection: ["_id": 1])) {
                    seen.insert(try MongoLayout.id(document, "_id"))
                }
            }
            var fresh = messages.filter { seen.insert($0.id).inserted }
            guard !fresh.isEmpty else { return 0 }

            var wanted: [ObjectID: Set<Int64>] = [:]
            for message in fresh where message.sequence > 0 { wanted[message.roomID, default: []].insert(message.sequence) }
            var taken: [ObjectID: Set<Int64>] = [:]
            for (roomID, numbers) in wanted {
                let filter: BSONDocument = ["room_id": MongoLayout.value(roomID), "seq": ["$in": .array(numbers.map { BSONValue.int64($0) })]]
                for name in [MongoLayout.messages, MongoLayout.archivedMessages] {
                    for document in try await collection(name).find(filter, options: .init(projection: ["seq": 1])) {
                        if let number = document.int("seq") { taken[roomID, default: []].insert(Int64(number)) }
                    }
                }
            }
            var highest: [ObjectID: Int64] = [:]
            var unnumbered: [ObjectID: Int64] = [:]
            for index in fresh.indices {
                let message = fresh[index]
                if message.sequence > 0, taken[message.roomID, default: []].insert(message.sequence).inserted {
                    highest[message.roomID] = max(highest[message.roomID] ?? 0, message.sequence)
                } else {
                    fresh[index].sequence = 0
                    unnumbered[message.roomID, default: 0] += 1
                }
            }
            for (roomID, number) in highest {
                _ = try await collection(MongoLayout.rooms).update(["_id": MongoLayout.value(roomID)], ["$max": ["last_seq": .int64(number)]])
            }
            var next: [ObjectID: Int64] = [:]
            for (roomID, count) in unnumbered {
                next[roomID] = try await reserveSequences(count, inRoom: roomID)
            }
            for index in fresh.indices where fresh[index].sequence <= 0 {
                let roomID = fresh[index].roomID
                if let number = next[roomID] {
                    fresh[index].sequence = number
                    next[roomID] = number + 1
                }
            }
            do {
                try await collection(MongoLayout.messages).insertMany(fresh.map(MongoLayout.document), ordered: false)
            } catch let error as MongoError where error.kind == .duplicateKey {
                // Stored meanwhile by another import of the same messages: there either way.
            }
            return fresh.count
        }
    }
}
