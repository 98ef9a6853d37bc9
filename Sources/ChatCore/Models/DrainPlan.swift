/// How a node closes its sockets in a gentle drain (`chatctl nodes drain`): `batch`
/// sockets every `everyMilliseconds`, and every socket still open at once when
/// `deadlineMilliseconds` have passed since the start.
///
/// The defaults and limits live here, the one place both the operator API and the CLI
/// read them.
public struct DrainPlan: Sendable, Equatable {
    /// Sockets asked to reconnect elsewhere per batch, by default.
    public static let defaultBatch = 200
    /// Between two batches, by default: 1 s.
    public static let defaultEveryMilliseconds = 1000
    /// From the start to closing the rest at once, by default: 2 min.
    public static let defaultDeadlineMilliseconds = 120_000

    /// A batch: at least one socket; at most 100,000 (a whole node at once).
    public static let batchRange = 1...100_000
    /// Between batches: 10 ms to 1 min.
    public static let everyRange = 10...60_000
    /// The deadline: 1 s to 1 h.
    public static let deadlineRange = 1000...3_600_000

    public let batch: Int
    public let everyMilliseconds: Int
    public let deadlineMilliseconds: Int

    /// A plan from the operator API's fields; each one absent takes its default.
    /// - Throws: `ChatError` (`invalidInput`) naming the field out of its range.
    public init(batch: Int? = nil, everyMilliseconds: Int? = nil, deadlineMilliseconds: Int? = nil) throws(ChatError) {
        let batch = batch ?? Self.defaultBatch
        let every = everyMilliseconds ?? Self.defaultEveryMilliseconds
        let deadline = deadlineMilliseconds ?? Self.defaultDeadlineMilliseconds
        guard Self.batchRange.contains(batch) else {
            throw .invalid("batch", "batch must be \(Self.batchRange.lowerBound) to \(Self.batchRange.upperBound) sockets (\(batch) given)")
        }
        guard Self.everyRange.contains(every) else {
            throw .invalid("every_ms", "every_ms must be \(Self.everyRange.lowerBound) to \(Self.everyRange.upperBound) milliseconds (\(every) given)")
        }
        guard Self.deadlineRange.contains(deadline) else {
            throw .invalid(
                "deadline_ms", "deadline_ms must be \(Self.deadlineRange.lowerBound) to \(Self.deadlineRange.upperBound) milliseconds (\(deadline) given)")
        }
        self.batch = batch
        self.everyMilliseconds = every
        self.deadlineMilliseconds = deadline
    }

    /// The pause between two batches.
    public var every: Duration { .milliseconds(everyMilliseconds) }
}
