import ChatCore
import Foundation
import GRDB

/// The node registry on SQLite (the embedded default, without Redis): table `nodes`, one
/// row per node holding its record's JSON and when it expires. Every write also deletes
/// the rows that have expired (nodes that died); readers skip expired rows meanwhile.
extension SQLiteChatStore {
    public func register(_ record: NodeRecord) async throws {
        let json = String(decoding: try record.json(), as: UTF8.self)
        let now = Date().millisecondsSince1970
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM nodes WHERE expires_at <= ?", arguments: [now])
            try db.execute(
                sql: "INSERT OR REPLACE INTO nodes (id, record, expires_at) VALUES (?, ?, ?)",
                arguments: [record.id, json, record.expiresAt.millisecondsSince1970])
        }
    }

    public func deregister(nodeID: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM nodes WHERE id = ?", arguments: [nodeID]) }
    }

    public func liveNodes(at now: Date) async throws -> [NodeRecord] {
        let cutoff = now.millisecondsSince1970
        let rows = try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT record FROM nodes WHERE expires_at > ? ORDER BY id", arguments: [cutoff])
        }
        // A row this version cannot read (written by another version) is not shown.
        return rows.compactMap { try? NodeRecord.decode(Data($0.utf8)) }
    }
}
