import Foundation

extension UserAdministration.EndReason {
    public static let banned = "user banned"
}

/// Bans (`chatctl users ban|unban`): a disable with a reason and, optionally, an end.
extension UserAdministration {
    /// Bans the user for `length` seconds (nil: until `unban`): logins are refused with 403
    /// and the reason and end, tokens refused, and its live sockets closed (1008) on every
    /// node. A ban replaces an earlier one. Returns the user as it is now.
    /// - Parameter moderator: who bans (`user@host`).
    /// - Throws: `ChatError.userNotFound`; `ChatError.invalid("reason" | "for", …)`.
    public func ban(username: String, for length: TimeInterval?, reason: String?, by moderator: String, now: Date = Date()) async throws -> User {
        let reason = try InputRules.validateReason(reason)
        let length = try InputRules.validateRestrictionLength(length)
        var user = try await user(named: username)
        let ban = Ban(at: now, until: length.map { now.addingTimeInterval($0) }, reason: reason, by: moderator)
        guard try await store.setBan(ban, forUser: user.id) else { throw ChatError.userNotFound }
        user.ban = ban
        try await store.recordSessionEnd(SessionEnd(userID: user.id, reason: EndReason.banned))
        logger.info(
            "user banned",
            metadata: ["user": "\(username)", "user_id": "\(user.id)", "until": "\(ban.until.map(RFC3339.string(from:)) ?? "-")", "by": "\(moderator)"])
        return user
    }

    /// Ends the user's ban now (a ban that already ended is left as it is). The ban's start
    /// is kept, so the tokens issued before it stay refused. Returns the user as it is now
    /// and whether a ban was in force.
    /// - Throws: `ChatError.userNotFound`.
    public func unban(username: String, now: Date = Date()) async throws -> (user: User, wasBanned: Bool) {
        var user = try await user(named: username)
        guard let ban = user.ban, ban.isActive(at: now) else { return (user, false) }
        let ended = ban.ended(at: now)
        guard try await store.setBan(ended, forUser: user.id) else { throw ChatError.userNotFound }
        user.ban = ended
        logger.info("user unbanned", metadata: ["user": "\(username)", "user_id": "\(user.id)"])
        return (user, true)
    }
}
