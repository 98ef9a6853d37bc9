import Foundation

/// A node's gentle drain (`chatctl nodes drain`, `POST /admin/drain`) as a state machine.
///
/// The node refuses new sockets from the start (its `/readyz` answers 503 `draining`, so
/// balancers move away) and asks its sockets, a batch at a time, to reconnect elsewhere
/// (a `reconnect` frame with the id to resume from, then close 1012). The node stays up
/// afterwards, unready, until the operator or systemd restarts it: nothing leads back to
/// `idle`.
///
///     idle ── start ──▶ draining ── no socket left open ──▶ drained
///                       draining ── deadline: the rest asked at once ──▶ drained (deadlineReached)
///                       draining ── graceful shutdown (SIGTERM) ──▶ cancelled
///
/// Pure: the node (`NodeDrain`, ChatServer) asks it what to do next with the count of
/// sockets still open and the time, and tells it how many sockets it asked.
public enum GentleDrain: Sendable, Equatable {
    /// No drain yet: the node takes sockets.
    case idle
    /// Sockets are being asked to reconnect elsewhere, a batch at a time.
    case draining(Progress)
    /// Over: no socket is left open, or the deadline passed and the rest were asked at once.
    case drained(Progress)
    /// The process began shutting down (SIGTERM) during the drain; the shutdown's own drain
    /// closes what is left (1001).
    case cancelled(Progress)

    /// What a drain did so far.
    public struct Progress: Sendable, Equatable {
        public let plan: DrainPlan
        public let startedAt: Date
        /// Sockets asked to reconnect elsewhere so far, those asked at the deadline included.
        public var closed = 0
        /// Of `closed`, the sockets asked at once because the deadline passed.
        public var forced = 0
        /// The deadline passed before every socket had closed.
        public var deadlineReached = false
        /// When it ended (drained or cancelled).
        public var finishedAt: Date?

        public init(plan: DrainPlan, startedAt: Date) {
            self.plan = plan
            self.startedAt = startedAt
        }

        /// When the sockets still open are asked at once.
        public var deadline: Date { startedAt.addingTimeInterval(Double(plan.deadlineMilliseconds) / 1000) }
    }

    /// What the node does next (`next(open:now:)`).
    public enum Step: Sendable, Equatable {
        /// Ask up to this many sockets not asked yet (joined ones: a socket still joining
        /// waits for a later batch), then wait `plan.every`.
        case closeBatch(Int)
        /// The deadline passed: ask every socket not asked yet, joining ones too, then
        /// report them (`closedRest(_:at:)`).
        case closeRest
        /// Nothing more to do: no socket is left (now drained), or no drain is running.
        case stop
    }

    /// The states by name, as the operator API's `state` gives them.
    public enum Phase: String, Sendable, CaseIterable {
        case idle, draining, drained, cancelled
    }

    public var phase: Phase {
        switch self {
        case .idle: .idle
        case .draining: .draining
        case .drained: .drained
        case .cancelled: .cancelled
        }
    }

    /// `idle`, `draining`, `drained` or `cancelled`: the `state` of the operator API.
    public var name: String { phase.rawValue }

    /// What the drain did so far; nil while idle.
    public var progress: Progress? {
        switch self {
        case .idle: nil
        case .draining(let progress), .drained(let progress), .cancelled(let progress): progress
        }
    }

    /// Whether a drain was ever started: from then on the node is unready and refuses sockets.
    public var hasStarted: Bool { self != .idle }

    /// Starts a drain of `plan` at `now`.
    /// - Throws: `ChatError` (`conflict`, field `state`) unless idle: a node drains once
    ///   per start of the process.
    public mutating func start(_ plan: DrainPlan, at now: Date) throws(ChatError) {
        switch self {
        case .idle:
            self = .draining(Progress(plan: plan, startedAt: now))
        case .draining(let progress):
            throw ChatError(.conflict, field: "state", message: "the node is already draining (since \(RFC3339.string(from: progress.startedAt)))")
        case .drained:
            throw ChatError(.conflict, field: "state", message: "the node is drained already; restart it to take sockets again")
        case .cancelled:
            throw ChatError(.conflict, field: "state", message: "the node is shutting down")
        }
    }

    /// The next step, with `open` sockets still open at `now`. No socket open ends the
    /// drain (drained); past the deadline the rest go at once; otherwise the next batch.
    public mutating func next(open: Int, now: Date) -> Step {
        guard case .draining(var progress) = self else { return .stop }
        if open <= 0 {
            progress.finishedAt = now
            self = .drained(progress)
            return .stop
        }
        if now >= progress.deadline { return .closeRest }
        return .closeBatch(progress.plan.batch)
    }

    /// `count` more sockets were asked to reconnect (a batch).
    public mutating func asked(_ count: Int) {
        guard case .draining(var progress) = self else { return }
        progress.closed += count
        self = .draining(progress)
    }

    /// The deadline passed and the `count` sockets not asked yet were asked at once: drained.
    public mutating func closedRest(_ count: Int, at now: Date) {
        guard case .draining(var progress) = self else { return }
        progress.closed += count
        progress.forced = count
        progress.deadlineReached = true
        progress.finishedAt = now
        self = .drained(progress)
    }

    /// The process is shutting down: a running drain is cancelled (nothing else changes).
    public mutating func cancel(at now: Date) {
        guard case .draining(var progress) = self else { return }
        progress.finishedAt = now
        self = .cancelled(progress)
    }
}
