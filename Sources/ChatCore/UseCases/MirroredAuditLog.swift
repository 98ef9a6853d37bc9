/// One audit trail kept in two stores: every record is written to both, with the same
/// id, and read from the first. `chatctl db copy` records itself this way in its source
/// and its target, so the two trails stay alike and a later copy finds them equal.
public struct MirroredAuditLog: AuditLog {
    let first: any AuditLog
    let second: any AuditLog

    public init(_ first: any AuditLog, _ second: any AuditLog) {
        self.first = first
        self.second = second
    }

    /// Writes to both; when one fails, the other is still written and the first failure
    /// is thrown.
    public func recordAudit(_ record: AuditRecord) async throws {
        var failure: (any Error)?
        for log in [first, second] {
            do {
                try await log.recordAudit(record)
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
    }

    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] {
        try await first.auditRecords(query)
    }
}
