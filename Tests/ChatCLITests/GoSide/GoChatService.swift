import ChatCore
import Foundation
import MongoKit
import RedisKit

/// The original Go chat service (arminshfatemi/chat_application, `chat_application/`)
/// played exactly as its code writes and reads MongoDB and Redis, so a test can run it
/// beside `chatctl serve chat` over the same data, as an operator swapping services does.
///
/// What it does, from its source:
/// - posting (`rooms.go`, `ChatRoom.Run`): `InsertOne` of `{content, sender_id, room_id,
///   timestamp}` (the driver adds `_id`; no `seq`, no `client_id`), then `DEL
///   cache:recentMessages:<room name>`;
/// - a join's history (`JoinRoomHandler`): `GET` of that key; on a miss `find({room_id})`
///   sorted `{timestamp: -1}`, limit 50, decoded into `{type, content}` (`type` is empty:
///   the documents have none), sent, and `SET` under the key with no expiry;
/// - rooms (`models/rooms.go`): `{name, members: [creator], created_at}`.
struct GoChatService {
    let mongo: MongoClient
    /// The Go code hard-codes `chat_app`; tests give each run its own database.
    let database: String
    let redis: RedisClient

    static func cacheKey(_ roomName: String) -> String { "cache:recentMessages:\(roomName)" }

    /// A room by name, as `models.RoomExists` reads it.
    func room(named name: String) async throws -> (id: ObjectID, name: String) {
        let document = try await mongo.collection("rooms", database: database).findOne(["name": .string(name)])
        guard let raw = document?.objectID("_id"), let id = ObjectID(bytes: raw.bytes) else { throw CLIError("no room \(name)") }
        return (id, name)
    }

    /// A user's id by username.
    func userID(named username: String) async throws -> ObjectID {
        let document = try await mongo.collection("clients", database: database).findOne(["username": .string(username)])
        guard let raw = document?.objectID("_id"), let id = ObjectID(bytes: raw.bytes) else { throw CLIError("no user \(username)") }
        return id
    }

    /// A message as the Go service stores one; returns its id and time. Waits until the
    /// clock has passed `after` (the previous message's time), so the order by
    /// `timestamp` is the order of the calls, as it is for a Go service writing in turn.
    @discardableResult
    func post(_ content: String, from sender: ObjectID, in room: (id: ObjectID, name: String), after: Date? = nil) async throws -> (id: ObjectID, timestamp: Date) {
        if let after {
            while Date().truncatedToMilliseconds <= after.truncatedToMilliseconds { await Task.yield() }
        }
        let id = ObjectID()
        let timestamp = Date().truncatedToMilliseconds
        try await mongo.collection("messages", database: database).insertOne([
            "_id": .objectID(BSONObjectID(bytes: id.bytes)), "content": .string(content), "sender_id": .objectID(BSONObjectID(bytes: sender.bytes)),
            "room_id": .objectID(BSONObjectID(bytes: room.id.bytes)), "timestamp": .date(timestamp.millisecondsSince1970),
        ])
        _ = try await redis.command(["DEL", Self.cacheKey(room.name)])
        return (id, timestamp)
    }

    /// The history frame a Go client gets on joining: the contents, newest first.
    func history(of room: (id: ObjectID, name: String)) async throws -> [String] {
        let cached = try await redis.command(["GET", Self.cacheKey(room.name)])
        if let text = cached.string {
            let entries = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]] ?? []
            return entries.map { $0["content"] ?? "" }
        }
        let documents = try await mongo.collection("messages", database: database).find(
            ["room_id": .objectID(BSONObjectID(bytes: room.id.bytes))], options: .init(sort: ["timestamp": -1], limit: 50))
        let entries = documents.map { ["type": "", "content": $0.string("content") ?? ""] }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: entries), as: UTF8.self)
        _ = try await redis.command(["SET", Self.cacheKey(room.name), json])
        return entries.map { $0["content"] ?? "" }
    }

    /// True while the Go service's cached history of the room exists.
    func hasCachedHistory(_ roomName: String) async throws -> Bool {
        try await redis.command(["EXISTS", Self.cacheKey(roomName)]).int == 1
    }

    /// Copies the room's messages into `archived_messages` as the Go scheduler does
    /// (`handleArchiveOldMessagesTask`): same documents, same `_id`, no `seq` (its
    /// struct has none), and the originals left in place; then deletes them from
    /// `messages` (a later cleanup by hand, so that a restore has something to do).
    func archiveAsGoScheduler(room: (id: ObjectID, name: String)) async throws -> Int {
        let messages = mongo.collection("messages", database: database)
        let documents = try await messages.find(["room_id": .objectID(BSONObjectID(bytes: room.id.bytes))], options: .init(sort: ["timestamp": 1]))
        let copies: [BSONDocument] = documents.map { document in
            ["_id": document["_id"] ?? .null, "content": document["content"] ?? .null, "sender_id": document["sender_id"] ?? .null,
             "room_id": document["room_id"] ?? .null, "timestamp": document["timestamp"] ?? .null]
        }
        for copy in copies { try await mongo.collection("archived_messages", database: database).insertOne(copy) }
        _ = try await messages.delete(["room_id": .objectID(BSONObjectID(bytes: room.id.bytes))], many: true)
        return copies.count
    }
}
