import Foundation

/// Where a poller of a log kept in the store (session ends, moderation notices) stands.
///
/// Each read starts `lookback` before the previous poll began (the hosts that write
/// differ in their clocks, and a write may commit after a later one), and an entry
/// already acted on is skipped; entries older than twice the look-back are forgotten.
public struct LogCursor: Sendable {
    private var since: Date
    private let lookback: TimeInterval
    /// Entries acted on, with their time.
    private var handled: [ObjectID: Date] = [:]

    /// Entries recorded before `start` (by default: now, when a node starts) concern no
    /// socket of the node.
    public init(start: Date = Date(), lookback: TimeInterval) {
        self.since = start
        self.lookback = lookback
    }

    /// Where the next read starts.
    public var readFrom: Date { since.addingTimeInterval(-lookback) }

    /// The entries not acted on yet, in the order given; from now on they count as acted on.
    public mutating func fresh<Entry>(_ entries: [Entry], id: (Entry) -> ObjectID, at: (Entry) -> Date) -> [Entry] {
        var result: [Entry] = []
        for entry in entries where handled[id(entry)] == nil {
            handled[id(entry)] = at(entry)
            result.append(entry)
        }
        return result
    }

    /// The poll that began at `pollStarted` is done: the next read starts from there,
    /// minus the look-back.
    public mutating func advance(to pollStarted: Date) {
        since = pollStarted
        let forgetBefore = since.addingTimeInterval(-2 * lookback)
        handled = handled.filter { $0.value >= forgetBefore }
    }
}

extension LogCursor {
    /// Follows a log kept in the store until graceful shutdown: every `interval` it reads
    /// the entries from the cursor on (`read`) and runs `act` once for each entry not acted
    /// on yet; a failed read is reported to `readFailed` and retried at the next poll.
    public static func follow<Entry>(
        every interval: Duration, lookback: TimeInterval,
        read: (Date) async throws -> [Entry], id: (Entry) -> ObjectID, at: (Entry) -> Date,
        readFailed: (any Error) -> Void, act: (Entry) async -> Void
    ) async {
        var cursor = LogCursor(lookback: lookback)
        await Periodic.run(every: interval) {
            let pollStarted = Date()
            let entries: [Entry]
            do {
                entries = try await read(cursor.readFrom)
            } catch {
                readFailed(error)
                return
            }
            for entry in cursor.fresh(entries, id: id, at: at) { await act(entry) }
            cursor.advance(to: pollStarted)
        }
    }
}
