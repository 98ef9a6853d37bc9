import Foundation

/// What a room's rules and mutes say about one post: the one place that decides
/// whether a user may post in a room (the slow-mode timing aside, which `SlowModeClock`
/// keeps). Built by `RoomRuleCache` from the store and kept by each chat node.
///
/// In order: a mute refuses anyone, moderators included (an operator's explicit act);
/// read-only refuses all but the room's moderators; slow mode spaces the posts of all
/// but the moderators.
public struct RoomPolicy: Sendable, Equatable {
    public var rules: RoomRules
    /// The room's mutes by user, as loaded (each still compared with the time).
    public var mutes: [ObjectID: RoomMute]

    public init(rules: RoomRules = RoomRules(), mutes: [RoomMute] = []) {
        self.rules = rules
        var byUser: [ObjectID: RoomMute] = [:]
        for mute in mutes { byUser[mute.userID] = mute }
        self.mutes = byUser
    }

    /// The answer for one post.
    public enum Verdict: Sendable, Equatable {
        /// Post it.
        case post
        /// Post it if the sender's last post in the room is this many seconds old.
        case postAfterInterval(seconds: Int)
        /// Refuse it with this error (its message names the rule).
        case refused(ChatError)
    }

    /// What the rules say about `sender` posting at `now`.
    public func verdict(for sender: ObjectID, at now: Date) -> Verdict {
        if let mute = mutes[sender], mute.isActive(at: now) { return .refused(.muted(until: mute.until)) }
        let moderator = rules.isModerator(sender)
        if rules.readOnly, !moderator { return .refused(.roomReadOnly) }
        if rules.slowModeSeconds > 0, !moderator { return .postAfterInterval(seconds: rules.slowModeSeconds) }
        return .post
    }
}
