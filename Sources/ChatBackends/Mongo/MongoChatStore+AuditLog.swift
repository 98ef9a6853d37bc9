import ChatCore
import Foundation
import MongoKit

/// The audit trail on MongoDB: collection `chatctl_audit_log`, `{_id, at, actor_user,
/// actor_host, command, target, arguments: {name: value}, outcome: "ok"|"error", error}`
/// (`target` and `error` only when there is one).
extension MongoChatStore {
    static let auditLog = "chatctl_audit_log"

    public func recordAudit(_ record: AuditRecord) async throws {
        var document: BSONDocument = [
            "_id": MongoLayout.value(record.id), "at": MongoLayout.value(record.at), "actor_user": .string(record.actor.user),
            "actor_host": .string(record.actor.host), "command": .string(record.command),
        ]
        if let target = record.target { document["target"] = .string(target) }
        document["arguments"] = .document(BSONDocument(record.arguments.sorted { $0.key < $1.key }.map { (key: $0.key, value: BSONValue.string($0.value)) }))
        document["outcome"] = .string(record.outcome.name)
        if let error = record.outcome.error { document["error"] = .string(error) }
        let entry = document
        try await mongo { try await collection(Self.auditLog).insertOne(entry) }
    }

    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] {
        var filter: BSONDocument = [:]
        if let since = query.since { filter["at"] = .document(["$gte": MongoLayout.value(since)]) }
        if let user = query.actorUser { filter["actor_user"] = .string(user) }
        if let host = query.actorHost { filter["actor_host"] = .string(host) }
        let selected = filter
        return try await mongo {
            try await collection(Self.auditLog).find(selected, options: .init(sort: ["at": -1, "_id": -1], limit: query.limit)).map { document -> AuditRecord in
                var arguments: [String: String] = [:]
                for (key, value) in document.document("arguments")?.fields ?? [] {
                    if case .string(let text) = value { arguments[key] = text }
                }
                return AuditRecord(
                    id: try MongoLayout.id(document, "_id"), at: MongoLayout.date(document, "at"),
                    actor: AuditActor(user: document.string("actor_user") ?? "", host: document.string("actor_host") ?? ""),
                    command: document.string("command") ?? "", target: document.string("target"), arguments: arguments,
                    outcome: AuditRecord.Outcome(name: document.string("outcome") ?? "error", error: document.string("error")))
            }
        }
    }
}
