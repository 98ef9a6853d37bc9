import Foundation

/// A node's gentle drain as the operator API answers it (`GET`/`POST /admin/drain`) and
/// `chatctl nodes drain` prints it:
/// `{"node","state","open","closed","forced","deadline_reached","started_at","deadline","finished_at","batch","every_ms","deadline_ms"}`,
/// times in RFC 3339; while idle only `node`, `state`, `open`, `closed` (0), `forced` (0)
/// and `deadline_reached` (false).
public struct DrainStatus: Sendable, Equatable, Codable {
    /// The node's registry id.
    public var node: String
    /// `idle`, `draining`, `drained` or `cancelled` (`GentleDrain.name`).
    public var state: String
    /// Sockets open on the node now (room and notification sockets).
    public var open: Int
    /// Sockets asked to reconnect elsewhere so far.
    public var closed: Int
    /// Of `closed`, those asked at once because the deadline passed.
    public var forced: Int
    /// The deadline passed before every socket had closed.
    public var deadlineReached: Bool
    public var startedAt: String?
    /// When the sockets still open are (or were) asked at once.
    public var deadline: String?
    public var finishedAt: String?
    public var batch: Int?
    public var everyMilliseconds: Int?
    public var deadlineMilliseconds: Int?

    enum CodingKeys: String, CodingKey {
        case node, state, open, closed, forced, batch, deadline
        case deadlineReached = "deadline_reached"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case everyMilliseconds = "every_ms"
        case deadlineMilliseconds = "deadline_ms"
    }

    /// The status of `drain` on node `node`, with `open` sockets open now.
    public init(node: String, drain: GentleDrain, open: Int) {
        self.node = node
        self.state = drain.name
        self.open = open
        let progress = drain.progress
        self.closed = progress?.closed ?? 0
        self.forced = progress?.forced ?? 0
        self.deadlineReached = progress?.deadlineReached ?? false
        self.startedAt = progress.map { RFC3339.string(from: $0.startedAt) }
        self.deadline = progress.map { RFC3339.string(from: $0.deadline) }
        self.finishedAt = progress?.finishedAt.map { RFC3339.string(from: $0) }
        self.batch = progress?.plan.batch
        self.everyMilliseconds = progress?.plan.everyMilliseconds
        self.deadlineMilliseconds = progress?.plan.deadlineMilliseconds
    }

    /// Whether the drain is still running (the CLI follows it until it is not).
    public var isRunning: Bool { state == GentleDrain.Phase.draining.rawValue }
}
