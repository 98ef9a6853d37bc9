import Foundation

/// Where log lines go: a file descriptor (stderr by default), written by a thread of
/// its own.
///
/// A caller — often a task on one of NIO's event loops — only appends its line to a
/// bounded queue and returns. A `write(2)` to stderr blocks whenever the reader
/// (journald, a pipe) falls behind, and done on a loop thread that stalled every socket
/// of the loop. The writer thread writes the lines whole and in order. When the queue is
/// full a line is dropped and counted, and a "N log lines dropped" line in the same
/// format takes its place once there is room again: logging never waits. `flush` waits,
/// bounded, for what was logged before it; the CLI calls it before the process exits.
public final class LineSink: Sendable {
    private let queue: LineQueue

    /// - Parameters:
    ///   - descriptor: where lines are written (the sink never closes it).
    ///   - capacityBytes: how much may wait for the writer before lines are dropped.
    public init(descriptor: Int32, capacityBytes: Int = 4 << 20) {
        queue = LineQueue(descriptor: descriptor, capacityBytes: capacityBytes)
    }

    /// The writer thread writes what is queued, then ends.
    deinit { queue.stop() }

    /// stderr, shared by every `LineLogHandler` of the process.
    public static let standardError = LineSink(descriptor: 2)

    /// Queues `line` (which ends with its newline) and returns at once. `format` is the
    /// one a "lines dropped" notice is written in, should one be due.
    func write(_ line: String, format: LogFormat) {
        queue.append(Array(line.utf8), format: format)
    }

    /// Waits until every line queued before the call is written, or `timeout` passed (a
    /// reader that stopped reading must not hold the process up); returns whether all
    /// were. Suspends, never blocks the caller's thread.
    @discardableResult
    public func flush(timeout: Duration = .seconds(2)) async -> Bool {
        let target = queue.flushTarget()
        let deadline = ContinuousClock.now + timeout
        while !queue.hasWritten(target) {
            guard ContinuousClock.now < deadline else { return false }
            do {
                try await Task.sleep(for: .milliseconds(1))
            } catch {
                return queue.hasWritten(target)
            }
        }
        return true
    }

    /// `flush` for the process's exit (an `atexit` handler, where nothing can suspend):
    /// blocks the calling thread, at most `timeout`.
    @discardableResult
    public func flushBlocking(timeout: Duration = .seconds(2)) -> Bool {
        let target = queue.flushTarget()
        let deadline = ContinuousClock.now + timeout
        while !queue.hasWritten(target) {
            guard ContinuousClock.now < deadline else { return false }
            usleep(1000)
        }
        return true
    }
}
