import Foundation

/// Where a follower of one room stands, and what it hands on next: every message of the
/// room once, in the room's order, whether it comes from the store or from the fan-out
/// (`FollowRoom`, behind `chatctl tail`). A value: the store is read by `read(from:now:)`,
/// which changes nothing unless every query of its round answered.
///
/// chatctl's messages are followed by room sequence number — exact across nodes whatever
/// their clocks, as a `since=` resume reads them. Messages without one (the Go chat
/// service's, which only a MongoDB store holds) are followed by time, ties by id, after
/// the newest such message handed on — as a resume reads them too. The two kinds of one
/// read are merged by time, the order of the room's history. A fresh hole in the numbers
/// holds back what follows it for `gapGrace`, then is given up: MongoDB reserves a batch's
/// numbers before it inserts, so another node's later number can land first, and an insert
/// that failed leaves its numbers unused. A hole behind a message stored more than
/// `settledAge` ago is stepped over at once (a deleted or archived message, or a number
/// that was never going to land). Whatever a store or the fan-out hands over twice is
/// dropped by id.
public struct RoomFollower: Sendable {
    /// A message's place by time: its timestamp, then its id.
    public struct Mark: Sendable, Hashable, Comparable {
        public var timestamp: Date
        public var id: ObjectID

        public init(_ message: Message) {
            timestamp = message.timestamp
            id = message.id
        }

        init(timestamp: Date, id: ObjectID) {
            self.timestamp = timestamp
            self.id = id
        }

        /// Before every message: where a follower of an empty room stands.
        static let origin = Mark(timestamp: Date(timeIntervalSince1970: 0), id: ObjectID(timestampBits: 0, tailBits: 0))

        public static func < (lhs: Mark, rhs: Mark) -> Bool { (lhs.timestamp, lhs.id) < (rhs.timestamp, rhs.id) }
    }

    /// What a message from the fan-out asks of the follower.
    public enum Arrival: Sendable, Equatable {
        /// Hand it on now: it is the room's next number.
        case handOn(Message)
        /// Nothing: another room's, or handed on already.
        case ignored
        /// Read the store: the message comes after a number not handed on yet (or the
        /// follower goes by time), and the store orders it with what precedes it.
        case readStore
    }

    /// One round of store reads: what to hand on now, in order, and whether more may be
    /// waiting (a full batch that moved the follower on).
    public struct Round: Sendable, Equatable {
        public var messages: [Message]
        public var more: Bool
    }

    /// How many messages one query of a round asks for.
    public static let batchLimit = 500
    /// A number still missing when the message after it was stored this long ago (by the
    /// follower's clock; generous for the clocks of the nodes) is not waited for.
    public static let settledAge: TimeInterval = 10

    public let roomID: ObjectID
    /// The highest room sequence number handed on; nil while unknown — a follower that
    /// began at a message without one reads everything after it by time until a complete
    /// read has handed on a numbered message.
    public private(set) var sequence: Int64?
    /// Messages without a sequence number are read after this place.
    public private(set) var mark: Mark
    /// The longest a hole in the numbers holds back what follows it.
    public let gapGrace: Duration
    private var hole: Hole?
    private var handedOn = RecentIDSet()
    /// The highest number handed on while reading by time (then `sequence`).
    private var highestByTime: Int64 = 0

    /// A number not seen yet, with messages after it.
    private struct Hole: Sendable {
        var missing: Int64
        var since: ContinuousClock.Instant
    }

    /// Follows the room after `message` (`--since`): its number and time are where the
    /// follower stands.
    public init(after message: Message, gapGrace: Duration) {
        roomID = message.roomID
        sequence = message.sequence > 0 ? message.sequence : nil
        mark = Mark(message)
        self.gapGrace = gapGrace
        handedOn.insert(message.id)
    }

    /// Follows the room after its most recent messages (`recent`, newest first, as
    /// `MessageStore.recentMessages` gives them); from its beginning when it has none.
    public init(roomID: ObjectID, afterRecent recent: [Message], gapGrace: Duration) {
        self.roomID = roomID
        self.gapGrace = gapGrace
        if recent.isEmpty {
            sequence = 0
            mark = .origin
        } else {
            // By time on MongoDB, the newest may be Go-written: chatctl's highest number
            // among them, and the newest place by time.
            sequence = recent.map(\.sequence).filter { $0 > 0 }.max()
            mark = recent.map { Mark($0) }.max() ?? .origin
        }
        for message in recent { handedOn.insert(message.id) }
    }

    /// Whether messages are held back behind a hole (the store is worth reading again soon).
    public var isWaitingOnHole: Bool { hole != nil }

    /// A message the fan-out brought: hand it on, ignore it, or read the store first.
    public mutating func accept(_ message: Message) -> Arrival {
        guard message.roomID == roomID, !handedOn.contains(message.id) else { return .ignored }
        guard let known = sequence, message.sequence > 0 else { return .readStore }
        if message.sequence <= known { return .ignored }
        guard message.sequence == known + 1, hole == nil else { return .readStore }
        sequence = message.sequence
        handedOn.insert(message.id)
        return .handOn(message)
    }

    /// Reads the store after where the follower stands: chatctl's messages by number and
    /// the Go-written ones by time, merged by time (one query by time while the number is
    /// unknown). `now` is what a hole's grace is measured against, `date` what a message's
    /// time is compared with to tell a settled hole.
    public mutating func read(from store: any MessageStore, now: ContinuousClock.Instant = .now, date: Date = Date()) async throws -> Round {
        let startSequence = sequence, startMark = mark
        guard let known = sequence else {
            let later = try await store.messages(inRoom: roomID, after: marker(sequence: 0), limit: Self.batchLimit)
            let full = later.count == Self.batchLimit
            let ready = takeByTime(later, complete: !full)
            return Round(messages: ready, more: full && mark != startMark)
        }
        let numbered = try await store.messages(inRoom: roomID, afterSequence: known, limit: Self.batchLimit)
        let unnumbered = try await store.messages(inRoom: roomID, after: marker(sequence: .max), limit: Self.batchLimit)
        let readyNumbered = takeNumbered(numbered, now: now, date: date)
        let readyUnnumbered = takeUnnumbered(unnumbered)
        let full = numbered.count == Self.batchLimit || unnumbered.count == Self.batchLimit
        let movedOn = sequence != startSequence || mark != startMark
        return Round(messages: Self.mergedByTime(readyNumbered, readyUnnumbered), more: full && movedOn)
    }

    /// A message standing at `mark` with number `sequence`, for
    /// `MessageStore.messages(inRoom:after:limit:)`. With `.max` only messages without a
    /// number qualify, those after `mark` by time (none on a store only chatctl writes);
    /// with 0, on a store the Go service writes too, every message after `mark` by time.
    private func marker(sequence: Int64) -> Message {
        Message(
            id: mark.id, roomID: roomID, roomName: "", senderID: mark.id, senderName: "", content: "", timestamp: mark.timestamp,
            sequence: sequence)
    }

    /// The numbered messages after `sequence` that follow one another, in order; stops at a
    /// hole seen for less than `gapGrace`, steps over an older or a settled one.
    private mutating func takeNumbered(_ candidates: [Message], now: ContinuousClock.Instant, date: Date) -> [Message] {
        guard let known = sequence else { return [] }
        var seen = Set<Int64>()
        let ordered = candidates.filter { $0.roomID == roomID && $0.sequence > known && seen.insert($0.sequence).inserted }
            .sorted { $0.sequence < $1.sequence }
        var expected = known + 1
        var ready: [Message] = []
        var heldBack = false
        for message in ordered {
            if message.sequence != expected {
                if date.timeIntervalSince(message.timestamp) > Self.settledAge {
                    // Long settled: that number is gone (deleted, archived) or never came.
                    if hole?.missing == expected { hole = nil }
                } else if let hole, hole.missing == expected, now - hole.since >= gapGrace {
                    // Waited long enough: that number is not coming (or too late to keep its place).
                    self.hole = nil
                } else {
                    if hole?.missing != expected { hole = Hole(missing: expected, since: now) }
                    heldBack = true
                    break
                }
            }
            expected = message.sequence + 1
            if handedOn.insert(message.id) { ready.append(message) }
        }
        if !heldBack { hole = nil }
        sequence = expected - 1
        return ready
    }

    /// The messages without a number after `mark`, by time; moves `mark` to the newest.
    private mutating func takeUnnumbered(_ candidates: [Message]) -> [Message] {
        let after = mark
        let later = candidates.filter { $0.roomID == roomID && $0.sequence == 0 && Mark($0) > after }.sorted { Mark($0) < Mark($1) }
        if let newest = later.last { mark = Mark(newest) }
        var ready: [Message] = []
        for message in later {
            if handedOn.insert(message.id) { ready.append(message) }
        }
        return ready
    }

    /// Everything after `mark` by time, in the store's order (the follower does not know
    /// its number yet); once a read was `complete`, the highest number handed on is.
    private mutating func takeByTime(_ candidates: [Message], complete: Bool) -> [Message] {
        var ready: [Message] = []
        for message in candidates where message.roomID == roomID {
            mark = max(mark, Mark(message))
            highestByTime = max(highestByTime, message.sequence)
            if handedOn.insert(message.id) { ready.append(message) }
        }
        if complete, highestByTime > 0 { sequence = highestByTime }
        return ready
    }

    /// Two lists, each in its order, merged by time (ties: the numbered one first).
    static func mergedByTime(_ numbered: [Message], _ unnumbered: [Message]) -> [Message] {
        guard !unnumbered.isEmpty else { return numbered }
        guard !numbered.isEmpty else { return unnumbered }
        var merged: [Message] = []
        merged.reserveCapacity(numbered.count + unnumbered.count)
        var left = 0, right = 0
        while left < numbered.count, right < unnumbered.count {
            if numbered[left].timestamp <= unnumbered[right].timestamp {
                merged.append(numbered[left])
                left += 1
            } else {
                merged.append(unnumbered[right])
                right += 1
            }
        }
        merged += numbered[left...]
        merged += unnumbered[right...]
        return merged
    }
}
