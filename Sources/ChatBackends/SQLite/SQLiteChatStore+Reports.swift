import ChatCore
import Foundation
import GRDB

/// Members' reports on SQLite: table `reports` (migration v19), one row per reporter and
/// message (its UNIQUE key refuses a second).
extension SQLiteChatStore {
    public func insertReport(_ report: Report) async throws {
        let resolution = report.resolution
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO reports (id, message_id, room_id, sender_id, reporter_id, reason, created_at, status, action, resolved_by,
                            resolved_at, note)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        report.id.hex, report.messageID.hex, report.roomID.hex, report.senderID.hex, report.reporterID.hex, report.reason,
                        report.createdAt.millisecondsSince1970, report.status.rawValue, resolution?.action.rawValue, resolution?.by,
                        resolution?.at.millisecondsSince1970, resolution?.note,
                    ])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw ChatError.reportExists
        }
    }

    public func reports(_ query: ReportQuery) async throws -> [Report] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if query.openOnly {
                conditions.append("status = ?")
                _ = arguments.append(contentsOf: [Report.Status.open.rawValue])
            }
            if let roomID = query.roomID {
                conditions.append("room_id = ?")
                _ = arguments.append(contentsOf: [roomID.hex])
            }
            var sql = "SELECT * FROM reports"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
            _ = arguments.append(contentsOf: [query.limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.report(from:))
        }
    }

    public func report(id: ObjectID) async throws -> Report? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM reports WHERE id = ?", arguments: [id.hex]).map(Self.report(from:))
        }
    }

    /// One write transaction: the update applies only to an open report, and the row read
    /// back says which it was.
    public func resolveReport(id: ObjectID, resolution: Report.Resolution) async throws -> ReportResolveOutcome {
        try await pool.write { db -> ReportResolveOutcome in
            try db.execute(
                sql: "UPDATE reports SET status = ?, action = ?, resolved_by = ?, resolved_at = ?, note = ? WHERE id = ? AND status = ?",
                arguments: [
                    Report.Status.resolved.rawValue, resolution.action.rawValue, resolution.by, resolution.at.millisecondsSince1970, resolution.note,
                    id.hex, Report.Status.open.rawValue,
                ])
            let changed = db.changesCount == 1
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM reports WHERE id = ?", arguments: [id.hex]) else { return .notFound }
            let report = try Self.report(from: row)
            return changed ? .resolved(report) : .alreadyResolved(report)
        }
    }

    static func report(from row: Row) throws -> Report {
        let status: String = row["status"]
        var state = Report.State.open
        if status == Report.Status.resolved.rawValue {
            let action: String? = row["action"]
            let at: Int64? = row["resolved_at"]
            let resolution = Report.Resolution(
                action: action.flatMap { Report.Action(rawValue: $0) } ?? Report.Action.none, by: row["resolved_by"] ?? "",
                at: Date(millisecondsSince1970: at ?? 0), note: row["note"])
            state = .resolved(resolution)
        }
        return Report(
            id: try id(row, "id"), messageID: try id(row, "message_id"), roomID: try id(row, "room_id"), senderID: try id(row, "sender_id"),
            reporterID: try id(row, "reporter_id"), reason: row["reason"], createdAt: Date(millisecondsSince1970: row["created_at"]),
            state: state)
    }
}
