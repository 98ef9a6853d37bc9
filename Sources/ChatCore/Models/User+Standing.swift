import Foundation

extension User {
    /// Whether the account may be used now: the one decision `LogIn` (403) and
    /// `Authenticate` (401) make from `disabled` and `ban`.
    public enum Standing: Sendable, Equatable {
        case active
        /// `chatctl users disable`: until `users enable`.
        case disabled
        /// `chatctl users ban`: until its end or `users unban`.
        case banned(Ban)
    }

    /// The account's standing at `now`. A disable outranks a ban (it has no end).
    public func standing(at now: Date = Date()) -> Standing {
        if disabled { return .disabled }
        if let ban, ban.isActive(at: now) { return .banned(ban) }
        return .active
    }

    /// Whether a token issued at `issuedAt` is refused for having been issued before the
    /// user's ban began, even once the ban is over (nil: the issue time is unknown, and
    /// the token is judged by the standing alone).
    public func refusesToken(issuedAt: Date?) -> Bool {
        guard let ban, let issuedAt else { return false }
        return issuedAt < ban.at
    }
}
