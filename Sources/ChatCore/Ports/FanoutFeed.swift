/// What a process that serves no sockets hears of the cross-node room fan-out.
public enum FanoutFeedEvent: Sendable, Equatable {
    /// The subscription is (again) in place: anything published before it may have been missed.
    case subscribed
    /// A stored message, as a chat node published it (any room).
    case message(Message)
    /// The subscription dropped; it reconnects by itself.
    case disconnected(reason: String)
}

/// A subscription of its own to the fan-out every chat node publishes to (Redis), for a
/// follower outside the serving processes (`FollowRoom`, `chatctl tail`). There is none
/// in-process: each serving process's fan-out stays inside it.
public protocol FanoutFeed: Sendable {
    /// Subscribes and hands every event to `deliver`, in order, until the task is
    /// cancelled (then it unsubscribes and returns). Reconnects by itself, telling
    /// `.disconnected` and then `.subscribed` again.
    func run(_ deliver: (FanoutFeedEvent) -> Void) async
}
