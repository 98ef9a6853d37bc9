import Foundation

/// A user banned (`chatctl users ban`): like a disable — logins refused (403, with the
/// reason and the end), tokens refused, live sockets closed with 1008 — with a reason and,
/// optionally, an end. A ban with an end lifts itself: every check compares the end with
/// the time, so no job runs. Ending a ban (`users unban`, or its end passing) keeps its
/// start, so the tokens issued before the ban stay refused (`User.refusesToken`).
///
/// Stored beside the Go fields of the user (MongoDB `clients.banned_at`, `banned_until`,
/// `ban_reason`, `banned_by`; SQLite columns of `clients`, migration v17).
public struct Ban: Sendable, Hashable, Codable {
    /// When the ban began.
    public var at: Date
    /// When it ends by itself; nil: when it is lifted.
    public var until: Date?
    /// The moderator's reason, told to the user when a login is refused.
    public var reason: String?
    /// Who banned: an operator as `user@host`.
    public var by: String

    public init(at: Date = Date(), until: Date? = nil, reason: String? = nil, by: String) {
        self.at = at.truncatedToMilliseconds
        self.until = until?.truncatedToMilliseconds
        self.reason = reason
        self.by = by
    }

    /// Whether the ban holds at `now`.
    public func isActive(at now: Date) -> Bool {
        until.map { $0 > now } ?? true
    }

    /// The same ban, ended at `now` (`users unban`): its start stays for the token check.
    public func ended(at now: Date) -> Ban {
        Ban(at: at, until: min(until ?? now, now), reason: reason, by: by)
    }

    /// What a refused login tells the user: the end and the reason
    /// (`banned until 2026-05-01T10:00:00.000Z: spam`, `banned with no end`).
    public var explanation: String {
        let end = until.map { "banned until \(RFC3339.string(from: $0))" } ?? "banned with no end"
        return reason.map { "\(end): \($0)" } ?? end
    }
}
