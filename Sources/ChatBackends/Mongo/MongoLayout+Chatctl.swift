import ChatCore
import Foundation
import MongoKit

/// The documents of chatctl's own collections (`chatctl_` prefix), each written and read
/// in one place: by the store's methods and by `chatctl db copy`.
extension MongoLayout {
    // MARK: chatctl_audit_log {_id, at, actor_user, actor_host, command, target?, arguments: {name: value}, outcome, error?}

    static func document(_ record: AuditRecord) -> BSONDocument {
        var document: BSONDocument = [
            "_id": value(record.id), "at": value(record.at), "actor_user": .string(record.actor.user), "actor_host": .string(record.actor.host),
            "command": .string(record.command),
        ]
        if let target = record.target { document["target"] = .string(target) }
        document["arguments"] = .document(BSONDocument(record.arguments.sorted { $0.key < $1.key }.map { (key: $0.key, value: BSONValue.string($0.value)) }))
        document["outcome"] = .string(record.outcome.name)
        if let error = record.outcome.error { document["error"] = .string(error) }
        return document
    }

    static func auditRecord(_ document: BSONDocument) throws -> AuditRecord {
        var arguments: [String: String] = [:]
        for (key, value) in document.document("arguments")?.fields ?? [] {
            if case .string(let text) = value { arguments[key] = text }
        }
        return AuditRecord(
            id: try id(document, "_id"), at: date(document, "at"),
            actor: AuditActor(user: document.string("actor_user") ?? "", host: document.string("actor_host") ?? ""),
            command: document.string("command") ?? "", target: document.string("target"), arguments: arguments,
            outcome: AuditRecord.Outcome(name: document.string("outcome") ?? "error", error: document.string("error")))
    }

    // MARK: chatctl_room_mutes {_id: "<room id>:<user id>", room_id, user_id, until?, reason?, muted_by, at}

    /// The whole document, `_id` included (`chatctl db copy` writes it as is).
    static func document(_ mute: RoomMute) -> BSONDocument {
        var document: BSONDocument = [
            "_id": .string(MongoChatStore.muteKey(mute.roomID, mute.userID)), "room_id": value(mute.roomID), "user_id": value(mute.userID),
            "muted_by": .string(mute.by), "at": value(mute.at),
        ]
        if let until = mute.until { document["until"] = value(until) }
        if let reason = mute.reason { document["reason"] = .string(reason) }
        return document
    }

    static func mute(_ document: BSONDocument) throws -> RoomMute {
        RoomMute(
            roomID: try id(document, "room_id"), userID: try id(document, "user_id"),
            until: document.dateMilliseconds("until").map { Date(millisecondsSince1970: $0) }, reason: document.string("reason"),
            by: document.string("muted_by") ?? "", at: date(document, "at"))
    }

    // MARK: chatctl_moderation_notices {_id, kind, room_id, room_name, message_ids[ObjectId], at}

    static func document(_ notice: ModerationNotice) -> BSONDocument {
        [
            "_id": value(notice.id), "kind": .string(notice.kind.rawValue), "room_id": value(notice.roomID), "room_name": .string(notice.roomName),
            "message_ids": .array(notice.messageIDs.map(value)), "at": value(notice.at),
        ]
    }

    /// Nil for a notice of a kind this version does not know (nodes skip those).
    static func notice(_ document: BSONDocument) throws -> ModerationNotice? {
        guard let kind = document.string("kind").flatMap(ModerationNotice.Kind.init(rawValue:)) else { return nil }
        return ModerationNotice(
            id: try id(document, "_id"), kind: kind, roomID: try id(document, "room_id"), roomName: document.string("room_name") ?? "",
            messageIDs: objectIDs(document.array("message_ids")), at: date(document, "at"))
    }
}
