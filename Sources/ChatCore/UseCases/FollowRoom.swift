import Foundation

/// Follows one room's messages as they are stored, from any process that reaches the
/// store (and, with Redis, the fan-out): what `chatctl tail` prints. Each message once,
/// in the room's order, through outages; the cursor and its rules are `RoomFollower`'s.
///
/// With a fan-out feed (Redis) messages come as the chat nodes broadcast them, and the
/// store is read after every (re)subscription — what was published while the
/// subscription was down is there — and every `Timing.liveCheckInterval`, for what the
/// fan-out never carries (Go-written messages; a message whose node could not reach
/// Redis). Without one, or while it is down, the store is read every
/// `Timing.pollInterval`: on the embedded default each serving process's fan-out stays
/// inside it. A failed read is retried after `Timing.retryDelay` and resumes where the
/// follower stood; each outage is told once.
public struct FollowRoom: Sendable {
    /// How many of the room's recent messages come first by default.
    public static let defaultRecentCount = 10
    /// The most recent messages one may ask to see first.
    public static let maxRecentCount = 1000
    /// Triggers (ticks, fan-out events) waiting for the follower; past this the oldest go
    /// (a message from the fan-out that goes is read from the store).
    static let triggerBuffer = 10_000

    let rooms: any RoomStore
    let messages: any MessageStore
    let feed: (any FanoutFeed)?
    let timing: Timing

    /// - Parameter feed: the fan-out as this process hears it (Redis); nil: the store alone.
    public init(rooms: any RoomStore, messages: any MessageStore, feed: (any FanoutFeed)?, timing: Timing) {
        self.rooms = rooms
        self.messages = messages
        self.feed = feed
        self.timing = timing
    }

    /// Where following begins.
    public enum Start: Sendable, Equatable {
        /// After this message (its id): every message stored since comes first.
        case after(ObjectID)
        /// After the room's `n` most recent messages, which come first, oldest first.
        case recent(Int)
    }

    /// A room found and where to follow it from.
    public struct Started: Sendable {
        public let room: Room
        /// What to show first, oldest first: the recent messages (none after a message id,
        /// whose followers come with the first read).
        public let first: [Message]
        /// Where following goes on from (`follow(from:_:)`).
        public let follower: RoomFollower
    }

    /// Finds the room and where to begin.
    ///
    /// - Throws: `ChatError.roomNotFound`; a `.notFound` error on field `since` when the
    ///   message is not in the room's history (deleted, archived, another room's); the
    ///   store's errors.
    public func start(room name: String, from start: Start) async throws -> Started {
        guard let room = try await rooms.room(named: name) else { throw ChatError.roomNotFound }
        switch start {
        case .after(let id):
            guard let message = try await messages.message(id: id, inRoom: room.id) else {
                throw ChatError(.notFound, field: "since", message: "message \(id.hex) is not in the room's history (deleted, archived or another room's)")
            }
            return Started(room: room, first: [], follower: RoomFollower(after: message, gapGrace: timing.gapGrace))
        case .recent(let count):
            // At least one, to know where the room stands.
            let recent = try await messages.recentMessages(inRoom: room.id, limit: max(count, 1))
            return Started(
                room: room, first: Array(recent.prefix(count).reversed()),
                follower: RoomFollower(roomID: room.id, afterRecent: recent, gapGrace: timing.gapGrace))
        }
    }

    /// Hands `handle` every message stored in the room after `follower`, in order and once
    /// each, and each outage once, until the task is cancelled; returns then, or throws
    /// what `handle` threw. One task reacts to one trigger at a time (the first read, the
    /// clock's ticks, the feed's events), so what it hands on stays in order.
    public func follow(from follower: RoomFollower, _ handle: (FollowEvent) async throws -> Void) async throws {
        let (triggers, trigger) = AsyncStream.makeStream(of: FollowSession.Trigger.self, bufferingPolicy: .bufferingNewest(Self.triggerBuffer))
        defer { trigger.finish() }
        var session = FollowSession(follower: follower, messages: messages, timing: timing)
        let tick = timing.tick
        let feed = self.feed
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    do {
                        try await Task.sleep(for: tick)
                    } catch {
                        return
                    }
                    trigger.yield(.tick)
                }
            }
            if let feed {
                group.addTask { await feed.run { event in _ = trigger.yield(.feed(event)) } }
            }
            let first = await session.react(to: .start)
            for event in first { try await handle(event) }
            for await next in triggers {
                let events = await session.react(to: next)
                for event in events { try await handle(event) }
            }
            group.cancelAll()
        }
    }
}

extension FollowRoom {
    /// How often a follower reads the store and how long it waits after failures; the
    /// defaults are `chatctl tail`'s.
    public struct Timing: Sendable {
        /// Between store reads while no fan-out feed is live (none configured, or away).
        public var pollInterval: Duration
        /// Between store reads while the feed is live: for what the fan-out never carries.
        public var liveCheckInterval: Duration
        /// How long a hole in a room's numbers holds back the messages after it.
        public var gapGrace: Duration
        /// How often the follower looks at the clock: the resolution of the waits above.
        public var tick: Duration
        /// The wait before the next read after `n` failed reads in a row.
        public var retryDelay: @Sendable (Int) -> Duration

        public init(
            pollInterval: Duration = .milliseconds(500), liveCheckInterval: Duration = .seconds(5), gapGrace: Duration = .seconds(2),
            tick: Duration = .milliseconds(100), retryDelay: @escaping @Sendable (Int) -> Duration
        ) {
            self.pollInterval = pollInterval
            self.liveCheckInterval = liveCheckInterval
            self.gapGrace = gapGrace
            self.tick = tick
            self.retryDelay = retryDelay
        }
    }
}
