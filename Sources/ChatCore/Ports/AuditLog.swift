/// The audit trail in the store (SQLite `audit_log`, MongoDB `chatctl_audit_log`): one
/// record per changing operator command. chatctl never prunes it.
public protocol AuditLog: Sendable {
    /// Appends a record.
    func recordAudit(_ record: AuditRecord) async throws
    /// The records `query` asks for, newest first (by time, then id), at most `query.limit`.
    func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord]
}
