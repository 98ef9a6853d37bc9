/// The whole store port: one backend (SQLite, MongoDB) implements all of it.
public protocol ChatStore: UserStore, RoomStore, MessageStore, NotificationStore {
    /// A cheap round trip that proves the store answers (for readiness and `doctor`).
    func ping() async throws
    /// A short human-readable description, credentials redacted (for logs and `config show`).
    var displayName: String { get }
}
