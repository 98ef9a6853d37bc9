/// The whole store port: one backend (SQLite, MongoDB) implements all of it.
public protocol ChatStore:
    UserStore, RoomStore, MessageStore, NotificationStore, ArchiveStore, LeaseStore, SessionEndLog, PendingEventLog, ModerationStore,
    ModerationNoticeLog, AuditLog, RestrictionStore, ReportStore, MessageTransferStore
{
    /// A cheap round trip that proves the store answers (for readiness and `doctor`).
    func ping() async throws
    /// A short human-readable description, credentials redacted (for logs and `config show`).
    var displayName: String { get }
    /// Releases connections and threads at shutdown (after the services stopped).
    func close() async
}

extension ChatStore {
    /// Stores with nothing to release.
    public func close() async {}
}
