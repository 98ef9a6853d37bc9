import Foundation

/// Which audit records to read (`chatctl audit list`): newest first, at most `limit`.
public struct AuditQuery: Sendable, Equatable {
    /// Only records at or after this time.
    public var since: Date?
    /// Only this OS user's records.
    public var actorUser: String?
    /// With `actorUser`: only those made on this host.
    public var actorHost: String?
    public var limit: Int

    /// - Parameter actor: `user`, or `user@host` for one user on one host.
    public init(since: Date? = nil, actor: String? = nil, limit: Int = 100) {
        self.since = since
        self.limit = limit
        if let actor, let separator = actor.lastIndex(of: "@") {
            actorUser = String(actor[..<separator])
            actorHost = String(actor[actor.index(after: separator)...])
        } else {
            actorUser = actor
            actorHost = nil
        }
    }

    /// Whether `record` is one this query asks for (the memory store's filter; the other
    /// stores filter in their queries, the same way).
    public func matches(_ record: AuditRecord) -> Bool {
        if let since, record.at < since { return false }
        if let actorUser, record.actor.user != actorUser { return false }
        if let actorHost, record.actor.host != actorHost { return false }
        return true
    }
}
