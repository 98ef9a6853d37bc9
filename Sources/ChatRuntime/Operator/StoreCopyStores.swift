import ChatBackends
import ChatCore

/// The two stores of `chatctl db copy`, opened as a plan says (a MongoDB store with its
/// indexes ensured, a SQLite file created and migrated), closed together.
public struct StoreCopyStores: Sendable {
    public let source: any StoreTransfer
    public let target: any StoreTransfer
    /// The copy's own audit trail: each record goes into both stores with the same id, so
    /// their trails stay alike (read from the target).
    public let auditLog: any AuditLog
    let backends: OpenedBackends

    /// Opens the source, then the target; when the second fails the first is closed.
    /// - Throws: `RuntimeError` naming the option (or the setting) whose store failed.
    public static func open(_ plan: StoreCopyPlan) async throws -> StoreCopyStores {
        try await OpenedBackends.opening { opened in
            let source = try await BackendWiring.openStore(at: plan.source, option: plan.sourceOption)
            opened.append(source)
            let target = try await BackendWiring.openStore(at: plan.target, option: plan.targetOption)
            opened.append(target)
            return StoreCopyStores(
                source: source.transfer, target: target.transfer, auditLog: MirroredAuditLog(target.store, source.store), backends: opened)
        }
    }

    public func close() async {
        await backends.close()
    }
}
