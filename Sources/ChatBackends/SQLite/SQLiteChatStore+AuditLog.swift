import ChatCore
import Foundation
import GRDB

/// The audit trail on SQLite: table `audit_log` (migration v13), `arguments` as a JSON
/// object of strings.
extension SQLiteChatStore {
    public func recordAudit(_ record: AuditRecord) async throws {
        let arguments = try Self.json(record.arguments)
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO audit_log (id, at, actor_user, actor_host, command, target, arguments, outcome, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id.hex, record.at.millisecondsSince1970, record.actor.user, record.actor.host, record.command, record.target,
                    arguments, record.outcome.name, record.outcome.error,
                ])
        }
    }

    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let since = query.since {
                conditions.append("at >= ?")
                _ = arguments.append(contentsOf: [since.millisecondsSince1970])
            }
            if let user = query.actorUser {
                conditions.append("actor_user = ?")
                _ = arguments.append(contentsOf: [user])
            }
            if let host = query.actorHost {
                conditions.append("actor_host = ?")
                _ = arguments.append(contentsOf: [host])
            }
            var sql = "SELECT * FROM audit_log"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY at DESC, id DESC LIMIT ?"
            _ = arguments.append(contentsOf: [query.limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.auditRecord(from:))
        }
    }

    static func auditRecord(from row: Row) throws -> AuditRecord {
        let stored: String = row["arguments"]
        return AuditRecord(
            id: try id(row, "id"), at: Date(millisecondsSince1970: row["at"]), actor: AuditActor(user: row["actor_user"], host: row["actor_host"]),
            command: row["command"], target: row["target"],
            arguments: (try? JSONDecoder().decode([String: String].self, from: Data(stored.utf8))) ?? [:],
            outcome: AuditRecord.Outcome(name: row["outcome"], error: row["error"]))
    }

    /// `{"name":"value",…}` with sorted keys.
    static func json(_ arguments: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(arguments), as: UTF8.self)
    }
}
