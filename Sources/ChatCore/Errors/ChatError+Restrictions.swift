import Foundation

/// The refusals of room rules, mutes and bans: the one place their wording lives. A
/// room socket sends `message` as its error frame (`{"error":"…"}`), so each names the
/// rule that refused the post.
extension ChatError {
    /// A post by a non-moderator in a read-only room.
    public static let roomReadOnly = ChatError(.forbidden, field: "room", message: "room is read-only: only its moderators post")

    /// A post by a user muted in the room (`chatctl rooms mute`).
    public static func muted(until: Date?) -> ChatError {
        let message = until.map { "you are muted in this room until \(RFC3339.string(from: $0))" } ?? "you are muted in this room"
        return ChatError(.forbidden, field: "room", message: message)
    }

    /// A post sooner than the room's slow mode allows; `seconds` (at least 1) until the next.
    public static func slowMode(retryAfterSeconds seconds: Int) -> ChatError {
        ChatError(
            .tooManyRequests, field: "room", message: "slow mode: next message allowed in \(seconds)s", retryAfterSeconds: seconds)
    }

    /// A banned user logging in with the right password: 403 with the ban's end and reason
    /// (`{"error":"user is banned","field":"username","message":"banned until …: spam"}`).
    public static func banned(_ ban: Ban) -> ChatError {
        ChatError(.forbidden, field: "username", message: "user is banned", explanation: ban.explanation)
    }

    /// A token of a banned user, or one issued before the user's ban (which stays refused
    /// after the ban ended).
    public static let bannedToken = ChatError.unauthorized("user is banned")
    public static let tokenBeforeBan = ChatError.unauthorized("token was issued before the user was banned; log in again")
}
