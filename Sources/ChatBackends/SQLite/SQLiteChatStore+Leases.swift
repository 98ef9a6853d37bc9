import ChatCore
import Foundation
import GRDB

/// Leases on SQLite: one row per name; taken inside one write transaction (SQLite
/// serialises writers, also across processes on the same file).
extension SQLiteChatStore {
    public func acquireLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM leases WHERE name = ? AND expires_at <= ?", arguments: [name, Date().millisecondsSince1970])
            try db.execute(sql: "INSERT OR IGNORE INTO leases (name, token, expires_at) VALUES (?, ?, ?)", arguments: [name, token, expiresAt.millisecondsSince1970])
            return db.changesCount == 1
        }
    }

    public func renewLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE leases SET expires_at = ? WHERE name = ? AND token = ? AND expires_at > ?",
                arguments: [expiresAt.millisecondsSince1970, name, token, Date().millisecondsSince1970])
            return db.changesCount == 1
        }
    }

    public func releaseLease(_ name: String, token: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM leases WHERE name = ? AND token = ?", arguments: [name, token]) }
    }
}
