import Foundation

/// One run of `FollowRoom.follow`: the follower, what is known of the backends, when the
/// store is read next. Driven by one task, one trigger at a time, so that what it hands
/// on stays in order.
struct FollowSession {
    /// What makes the session act.
    enum Trigger: Sendable {
        /// The run begins: read the store at once.
        case start
        /// The clock moved on (`Timing.tick`): read the store if it is time.
        case tick
        /// Something from the fan-out feed.
        case feed(FanoutFeedEvent)
    }

    private(set) var follower: RoomFollower
    let messages: any MessageStore
    let timing: FollowRoom.Timing
    /// Subscribed to the fan-out right now (the store is then read less often).
    private var feedLive = false
    /// The feed's outage was told (and its end is to be).
    private var feedDown = false
    /// The store's outage was told (and its end is to be).
    private var storeDown = false
    /// Failed reads in a row.
    private var failures = 0
    /// No read before this, after a failure.
    private var retryAt: ContinuousClock.Instant?
    /// A read was asked for and has not succeeded yet.
    private var readOwed = false
    private var lastRead: ContinuousClock.Instant

    init(follower: RoomFollower, messages: any MessageStore, timing: FollowRoom.Timing, now: ContinuousClock.Instant = .now) {
        self.follower = follower
        self.messages = messages
        self.timing = timing
        self.lastRead = now
    }

    /// Reacts to `trigger`; returns what to tell, in order.
    mutating func react(to trigger: Trigger, now: ContinuousClock.Instant = .now) async -> [FollowEvent] {
        switch trigger {
        case .start:
            return await readStore(now: now)
        case .tick:
            let interval = feedLive ? timing.liveCheckInterval : timing.pollInterval
            guard readOwed || follower.isWaitingOnHole || now - lastRead >= interval else { return [] }
            return await readStore(now: now)
        case .feed(.subscribed):
            feedLive = true
            var events: [FollowEvent] = []
            if feedDown {
                feedDown = false
                events.append(.recovered(.fanout))
            }
            // What was published while the subscription was down (or before it began) is
            // in the store.
            let caughtUp = await readStore(now: now)
            return events + caughtUp
        case .feed(.disconnected(let reason)):
            feedLive = false
            guard !feedDown else { return [] }
            feedDown = true
            return [.unavailable(.fanout, reason: reason)]
        case .feed(.message(let message)):
            switch follower.accept(message) {
            case .handOn(let next): return [.messages([next])]
            case .ignored: return []
            case .readStore: return await readStore(now: now)
            }
        }
    }

    /// Reads the store, round after round while there may be more; nothing while a retry
    /// is not due (the read stays owed). A failure is told once per outage, and so is the end.
    private mutating func readStore(now: ContinuousClock.Instant) async -> [FollowEvent] {
        readOwed = true
        if let retryAt, now < retryAt { return [] }
        lastRead = now
        var events: [FollowEvent] = []
        do {
            var more = true
            while more {
                let round = try await follower.read(from: messages, now: now, date: Date())
                if storeDown {
                    storeDown = false
                    events.append(.recovered(.store))
                }
                if !round.messages.isEmpty { events.append(.messages(round.messages)) }
                more = round.more
            }
            failures = 0
            retryAt = nil
            readOwed = false
        } catch {
            // A read cut short by the end of the run is no outage.
            if Task.isCancelled { return events }
            failures += 1
            retryAt = now + timing.retryDelay(failures)
            if !storeDown {
                storeDown = true
                events.append(.unavailable(.store, reason: "\(error)"))
            }
        }
        return events
    }
}
