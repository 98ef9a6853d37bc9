import ChatCore
import Foundation
import MongoKit

/// Room rules (fields of `rooms` beside the Go fields), mutes (collection
/// `chatctl_room_mutes`, `{_id: "<room id>:<user id>", room_id, user_id, until, reason,
/// muted_by, at}`, `until` and `reason` only when there is one) and bans (fields of
/// `clients`) on MongoDB. The Go service decodes `rooms` and `clients` into structs that
/// ignore fields they do not name, so it reads both as before.
extension MongoChatStore {
    static let roomMutes = "chatctl_room_mutes"

    /// One update for the rules that are set or cleared and the moderators added
    /// (`$set`/`$unset`, `$addToSet`), then one for those removed (`$pull`: MongoDB refuses
    /// both operators on one field in one update); each is atomic on the document.
    public func changeRoomRules(_ change: RoomRules.Change, roomID: ObjectID) async throws -> Room? {
        var set: BSONDocument = [:]
        var unset: BSONDocument = [:]
        if let readOnly = change.readOnly {
            if readOnly { set["read_only"] = .bool(true) } else { unset["read_only"] = .string("") }
        }
        if let seconds = change.slowModeSeconds {
            if seconds > 0 { set["slow_mode_seconds"] = .int64(Int64(seconds)) } else { unset["slow_mode_seconds"] = .string("") }
        }
        switch change.topic {
        case .set(let topic): set["topic"] = .string(topic)
        case .clear: unset["topic"] = .string("")
        case nil: break
        }
        switch change.archiveAfter {
        case .set(let seconds): set["archive_after_seconds"] = .int64(Int64(seconds))
        case .useDefault: unset["archive_after_seconds"] = .string("")
        case nil: break
        }
        switch change.retention {
        case .set(let retention): set["retention_seconds"] = MongoLayout.retentionValue(retention)
        case .useDefault: unset["retention_seconds"] = .string("")
        case nil: break
        }
        var update: BSONDocument = [:]
        if !set.isEmpty { update["$set"] = .document(set) }
        if !unset.isEmpty { update["$unset"] = .document(unset) }
        if !change.addModerators.isEmpty {
            // Each once, in order (a repeat inside one $each is not deduplicated by every server).
            var seen = Set<ObjectID>()
            let added = change.addModerators.filter { seen.insert($0).inserted }
            update["$addToSet"] = .document(["moderators": .document(["$each": .array(added.map(MongoLayout.value))])])
        }
        let first = update
        let filter: BSONDocument = ["_id": MongoLayout.value(roomID)]
        return try await mongo { () async throws -> Room? in
            let rooms = collection(MongoLayout.rooms)
            if !first.isEmpty {
                guard try await rooms.update(filter, first).matched == 1 else { return nil }
            }
            if !change.removeModerators.isEmpty {
                let pull: BSONDocument = ["$pull": .document(["moderators": .document(["$in": .array(change.removeModerators.map(MongoLayout.value))])])]
                guard try await rooms.update(filter, pull).matched == 1 else { return nil }
            }
            return try await rooms.findOne(filter).map(MongoLayout.room)
        }
    }

    public func muteUser(_ mute: RoomMute) async throws {
        var set: BSONDocument = [
            "room_id": MongoLayout.value(mute.roomID), "user_id": MongoLayout.value(mute.userID), "muted_by": .string(mute.by),
            "at": MongoLayout.value(mute.at),
        ]
        var unset: BSONDocument = [:]
        if let until = mute.until { set["until"] = MongoLayout.value(until) } else { unset["until"] = .string("") }
        if let reason = mute.reason { set["reason"] = .string(reason) } else { unset["reason"] = .string("") }
        var change: BSONDocument = ["$set": .document(set)]
        if !unset.isEmpty { change["$unset"] = .document(unset) }
        let update = change
        try await mongo {
            _ = try await collection(Self.roomMutes).delete(["until": .document(["$lte": MongoLayout.value(Date())])], many: true)
            _ = try await collection(Self.roomMutes).update(["_id": .string(Self.muteKey(mute.roomID, mute.userID))], update, upsert: true)
        }
    }

    public func unmuteUser(_ userID: ObjectID, inRoom roomID: ObjectID) async throws -> Bool {
        try await mongo { try await collection(Self.roomMutes).delete(["_id": .string(Self.muteKey(roomID, userID))]).deleted == 1 }
    }

    public func mutes(inRoom roomID: ObjectID, at now: Date) async throws -> [RoomMute] {
        try await mutes(["room_id": MongoLayout.value(roomID)], at: now)
    }

    public func mutes(ofUser userID: ObjectID, at now: Date) async throws -> [RoomMute] {
        try await mutes(["user_id": MongoLayout.value(userID)], at: now)
    }

    /// The mutes `filter` selects that hold at `now` (those that ended are left out here,
    /// and deleted by the next mute), oldest first.
    private func mutes(_ filter: BSONDocument, at now: Date) async throws -> [RoomMute] {
        let documents = try await mongo { try await collection(Self.roomMutes).find(filter, options: .init(sort: ["at": 1, "_id": 1])) }
        return try documents.map(MongoLayout.mute).filter { $0.isActive(at: now) }
    }

    /// A ban sets its fields and removes those it has none for; nil removes them all,
    /// leaving the document as the Go service wrote it.
    public func setBan(_ ban: Ban?, forUser id: ObjectID) async throws -> Bool {
        let set = ban.map(MongoLayout.banFields) ?? [:]
        var unset: BSONDocument = [:]
        for key in MongoLayout.banKeys where set[key] == nil { unset[key] = .string("") }
        var change: BSONDocument = [:]
        if !set.isEmpty { change["$set"] = .document(set) }
        if !unset.isEmpty { change["$unset"] = .document(unset) }
        let update = change
        return try await mongo { try await collection(MongoLayout.clients).update(["_id": MongoLayout.value(id)], update).matched == 1 }
    }

    /// A mute's `_id`: one mute per user and room.
    static func muteKey(_ roomID: ObjectID, _ userID: ObjectID) -> String { "\(roomID.hex):\(userID.hex)" }
}
