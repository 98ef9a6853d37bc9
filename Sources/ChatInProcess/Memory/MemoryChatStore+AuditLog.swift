import ChatCore
import Foundation

/// The audit trail in memory: every record, oldest first.
extension MemoryChatStore {
    public func recordAudit(_ record: AuditRecord) async throws {
        auditLog.append(record)
    }

    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] {
        Array(auditLog.filter(query.matches).sorted { ($0.at, $0.id) > ($1.at, $1.id) }.prefix(query.limit))
    }
}
