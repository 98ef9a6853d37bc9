/// The collections `chatctl db copy` moves from one store to another, in the order it
/// moves them: users and rooms first (mutes need their room on SQLite), then what refers
/// to them. The raw value is the name reports use (snake_case, as in the stores).
///
/// What is not here is the coordination state of running processes, which describes
/// them rather than the data and lives from seconds to a day: node records, leases,
/// session ends, pending-event marks and client-id claims (a MongoDB target gets the
/// claims of the copied messages' client ids: `StoreTransfer.upsert`).
public enum StoreCollection: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// `clients`: with password hashes, disables and bans.
    case users
    /// `rooms`: with members, rules (archive age and retention included) and the room's
    /// sequence counter.
    case rooms
    /// Who is muted in which room (`chatctl rooms mute`).
    case roomMutes = "room_mutes"
    /// The rooms' history, with `seq`, client ids and redactions.
    case messages
    case archivedMessages = "archived_messages"
    case notifications
    /// Members' reports of messages, open or resolved (with the resolution).
    case reports
    /// The operator audit trail.
    case auditLog = "audit_log"
    /// The moderation-notice log (kept a day by the stores).
    case moderationNotices = "moderation_notices"

    public var description: String { rawValue }
}
