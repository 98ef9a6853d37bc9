/// What following a room reports, in order (`FollowRoom.follow`).
public enum FollowEvent: Sendable, Equatable {
    /// Messages to show, in the room's order, each once.
    case messages([Message])
    /// A backend stopped answering (told once per outage); the follower retries and
    /// resumes where it stood.
    case unavailable(FollowBackend, reason: String)
    /// It answers again; what was missed meanwhile follows.
    case recovered(FollowBackend)
}

/// The backends a follower depends on.
public enum FollowBackend: String, Sendable, Equatable {
    /// The store, where messages are read from.
    case store
    /// The cross-node fan-out (Redis); while it is away, messages come from the store.
    case fanout
}
