import Synchronization

/// Remembers when this node stored each message it posted, so the hub can record the
/// fan-out latency (store accepted → frames queued to this node's sockets), through
/// Redis when it is configured. Bounded: entries of messages that never come back
/// (no local sockets in the room, a failed publish) are dropped in bulk past a limit.
public final class FanoutClock: Sendable {
    private let started = Mutex<[ObjectID: ContinuousClock.Instant]>([:])
    private let limit: Int

    public init(limit: Int = 8192) { self.limit = limit }

    /// Marks a message stored now.
    public func stored(_ id: ObjectID) {
        let now = ContinuousClock.now
        started.withLock { started in
            if started.count >= limit { started.removeAll(keepingCapacity: true) }
            started[id] = now
        }
    }

    /// Time since `stored(id)`, if this node stored it; forgets the message.
    public func delivered(_ id: ObjectID) -> Duration? {
        guard let start = started.withLock({ $0.removeValue(forKey: id) }) else { return nil }
        return ContinuousClock.now - start
    }
}
