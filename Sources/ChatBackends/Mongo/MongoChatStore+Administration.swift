import ChatCore
import Foundation
import MongoKit

/// Operator changes to users and rooms, and the session-end log (collection
/// `chatctl_session_ends`), on MongoDB.
extension MongoChatStore {
    static let sessionEnds = "chatctl_session_ends"

    public func users(matching search: String?, limit: Int) async throws -> [User] {
        var filter: BSONDocument = [:]
        if let search, !search.isEmpty {
            let pattern: BSONValue = .document(["$regex": .string(Self.literalPattern(search)), "$options": .string("i")])
            filter = ["$or": .array([.document(["username": pattern]), .document(["email": pattern])])]
        }
        return try await mongo {
            try await collection(MongoLayout.clients).find(filter, options: .init(sort: ["username": 1], limit: limit)).map(MongoLayout.user)
        }
    }

    /// The operator's text as a regular expression that matches it literally.
    static func literalPattern(_ text: String) -> String {
        var pattern = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern
    }

    public func setPasswordHash(_ hash: String, forUser id: ObjectID) async throws -> Bool {
        try await mongo {
            try await collection(MongoLayout.clients).update(["_id": MongoLayout.value(id)], ["$set": ["password_hash": .string(hash)]]).matched == 1
        }
    }

    /// Enabling removes the field, leaving the document as the Go service wrote it.
    public func setDisabled(_ disabled: Bool, forUser id: ObjectID) async throws -> Bool {
        let change: BSONDocument = disabled ? ["$set": ["disabled": .bool(true)]] : ["$unset": ["disabled": .string("")]]
        return try await mongo { try await collection(MongoLayout.clients).update(["_id": MongoLayout.value(id)], change).matched == 1 }
    }

    public func deleteUser(id: ObjectID) async throws -> Bool {
        try await mongo {
            let deleted = try await collection(MongoLayout.clients).delete(["_id": MongoLayout.value(id)]).deleted == 1
            _ = try await collection(MongoLayout.rooms).update(
                ["members": MongoLayout.value(id)], ["$pull": ["members": MongoLayout.value(id)]], many: true)
            _ = try await collection(MongoLayout.notifications).delete(["receiver_id": MongoLayout.value(id)], many: true)
            _ = try await collection(Self.roomMutes).delete(["user_id": MongoLayout.value(id)], many: true)
            return deleted
        }
    }

    public func removeMember(_ userID: ObjectID, fromRoom roomID: ObjectID) async throws -> Bool {
        try await mongo {
            try await collection(MongoLayout.rooms).update(
                ["_id": MongoLayout.value(roomID), "members": MongoLayout.value(userID)], ["$pull": ["members": MongoLayout.value(userID)]]
            ).modified == 1
        }
    }

    public func roomCount(forMember userID: ObjectID) async throws -> Int {
        try await mongo { try await collection(MongoLayout.rooms).countDocuments(["members": MongoLayout.value(userID)]) }
    }

    /// The room's mutes go with it.
    public func deleteRoom(id: ObjectID) async throws -> Bool {
        try await mongo {
            let deleted = try await collection(MongoLayout.rooms).delete(["_id": MongoLayout.value(id)]).deleted == 1
            _ = try await collection(Self.roomMutes).delete(["room_id": MongoLayout.value(id)], many: true)
            return deleted
        }
    }

    // MARK: Session ends

    public func recordSessionEnd(_ end: SessionEnd) async throws {
        try await mongo {
            _ = try await collection(Self.sessionEnds).delete(
                ["at": .document(["$lt": MongoLayout.value(Date().addingTimeInterval(-86_400))])], many: true)
            try await collection(Self.sessionEnds).insertOne([
                "_id": MongoLayout.value(end.id), "user_id": MongoLayout.value(end.userID), "reason": .string(end.reason),
                "at": MongoLayout.value(end.at),
            ])
        }
    }

    public func sessionEnds(since: Date) async throws -> [SessionEnd] {
        try await mongo {
            try await collection(Self.sessionEnds).find(
                ["at": .document(["$gte": MongoLayout.value(since)])], options: .init(sort: ["at": 1, "_id": 1])
            ).map { document in
                SessionEnd(
                    id: try MongoLayout.id(document, "_id"), userID: try MongoLayout.id(document, "user_id"),
                    reason: document.string("reason") ?? "", at: MongoLayout.date(document, "at"))
            }
        }
    }
}
