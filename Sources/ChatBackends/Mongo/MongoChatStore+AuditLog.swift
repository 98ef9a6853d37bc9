import ChatCore
import Foundation
import MongoKit

/// The audit trail on MongoDB: collection `chatctl_audit_log`, `{_id, at, actor_user,
/// actor_host, command, target, arguments: {name: value}, outcome: "ok"|"error", error}`
/// (`target` and `error` only when there is one).
extension MongoChatStore {
    static let auditLog = "chatctl_audit_log"

    public func recordAudit(_ record: AuditRecord) async throws {
        let entry = MongoLayout.document(record)
        try await mongo { try await collection(Self.auditLog).insertOne(entry) }
    }

    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] {
        var filter: BSONDocument = [:]
        if let since = query.since { filter["at"] = .document(["$gte": MongoLayout.value(since)]) }
        if let user = query.actorUser { filter["actor_user"] = .string(user) }
        if let host = query.actorHost { filter["actor_host"] = .string(host) }
        let selected = filter
        return try await mongo {
            try await collection(Self.auditLog).find(selected, options: .init(sort: ["at": -1, "_id": -1], limit: query.limit)).map(MongoLayout.auditRecord)
        }
    }
}
