import BlockingGuard
import Foundation
import Logging
import Synchronization

/// The bounded queue between the callers of a `LineSink` and its writer thread. A class
/// of its own so that the thread holds the queue, not the sink (dropping the sink stops
/// the thread).
final class LineQueue: Sendable {
    enum Entry: Sendable {
        case line([UInt8])
        /// `count` lines were dropped here; written as a line in `format`.
        case dropped(count: Int, format: LogFormat)
    }

    struct State {
        var entries: [Entry] = []
        /// Bytes of the queued lines (what the capacity bounds).
        var queuedBytes = 0
        /// Lines dropped since the last notice, and the format of the latest line.
        var dropped = 0
        var format = LogFormat.logfmt
        /// Entries queued and entries written since the start, for `flush`.
        var accepted: UInt64 = 0
        var written: UInt64 = 0
        var started = false
        /// The writer waits on `wakeUp`: the next append signals it.
        var idle = false
        var stopped = false
    }

    /// A write of at most PIPE_BUF bytes to a pipe is never interleaved with another
    /// writer's (the process writes stderr elsewhere too: ArgumentParser, libmongoc), so
    /// lines go out in chunks of whole lines up to this size.
    static let atomicWriteBytes = 4096

    let descriptor: Int32
    let capacityBytes: Int
    let state = Mutex(State())
    let wakeUp = DispatchSemaphore(value: 0)

    init(descriptor: Int32, capacityBytes: Int) {
        self.descriptor = descriptor
        self.capacityBytes = capacityBytes
    }

    /// Queues a line, or counts it as dropped when the queue is full; never waits.
    func append(_ bytes: [UInt8], format: LogFormat) {
        let capacity = capacityBytes
        let (start, wake) = state.withLock { state -> (Bool, Bool) in
            guard !state.stopped else { return (false, false) }
            state.format = format
            // A line longer than the whole capacity still goes out when nothing waits.
            guard state.queuedBytes == 0 || state.queuedBytes + bytes.count <= capacity else {
                state.dropped += 1
                return (false, false)
            }
            Self.queueDroppedNotice(&state)
            state.entries.append(.line(bytes))
            state.queuedBytes += bytes.count
            state.accepted += 1
            return Self.wakeWriter(&state)
        }
        if start { startWriter() }
        if wake { wakeUp.signal() }
    }

    /// What `flush` waits for: every entry queued so far, with a notice of lines dropped
    /// since the last one (so the exit does not lose it).
    func flushTarget() -> UInt64 {
        let (target, start, wake) = state.withLock { state -> (UInt64, Bool, Bool) in
            guard state.dropped > 0, !state.stopped else { return (state.accepted, false, false) }
            Self.queueDroppedNotice(&state)
            let (start, wake) = Self.wakeWriter(&state)
            return (state.accepted, start, wake)
        }
        if start { startWriter() }
        if wake { wakeUp.signal() }
        return target
    }

    func hasWritten(_ target: UInt64) -> Bool {
        state.withLock { $0.written >= target }
    }

    /// Lets the writer write what is queued, then end; later lines are ignored.
    func stop() {
        let wake = state.withLock { state -> Bool in
            state.stopped = true
            defer { state.idle = false }
            return state.idle
        }
        if wake { wakeUp.signal() }
    }

    private static func queueDroppedNotice(_ state: inout State) {
        guard state.dropped > 0 else { return }
        state.entries.append(.dropped(count: state.dropped, format: state.format))
        state.accepted += 1
        state.dropped = 0
    }

    /// (start the thread?, signal it?) after an entry was queued.
    private static func wakeWriter(_ state: inout State) -> (Bool, Bool) {
        let start = !state.started
        state.started = true
        let wake = state.idle
        state.idle = false
        return (start, wake)
    }

    private func startWriter() {
        let thread = Thread { [self] in runWriter() }
        thread.name = "log-writer"
        thread.start()
    }

    private func runWriter() {
        while true {
            let batch = state.withLock { state -> [Entry]? in
                if state.entries.isEmpty {
                    if state.stopped { return nil }
                    state.idle = true
                    return []
                }
                let taken = state.entries
                state.entries = []
                return taken
            }
            guard let batch else { return }
            if batch.isEmpty {
                wakeUp.wait()
                continue
            }
            let bytes = write(batch)
            state.withLock { state in
                state.queuedBytes -= bytes
                state.written += UInt64(batch.count)
            }
        }
    }

    /// Writes the entries in order, in chunks of whole lines; returns the bytes of the
    /// queued lines among them (notices are not counted against the capacity).
    private func write(_ batch: [Entry]) -> Int {
        var queued = 0
        var chunk: [UInt8] = []
        chunk.reserveCapacity(Self.atomicWriteBytes)
        for entry in batch {
            let bytes: [UInt8]
            switch entry {
            case .line(let line):
                bytes = line
                queued += line.count
            case .dropped(let count, let format):
                bytes = Array(Self.droppedNotice(count, format: format).utf8)
            }
            if !chunk.isEmpty && chunk.count + bytes.count > Self.atomicWriteBytes {
                writeFully(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
            chunk += bytes
        }
        if !chunk.isEmpty { writeFully(chunk) }
        return queued
    }

    /// The one place the sink blocks: on this thread only.
    private func writeFully(_ bytes: [UInt8]) {
        BlockingCallGuard.assertNotOnEventLoop("a log line's write(2)")
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                // Another error (a closed descriptor): the line is lost, as before.
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static func droppedNotice(_ count: Int, format: LogFormat) -> String {
        LineLogHandler.format(
            format, timestamp: Date(), level: .warning, label: "chatctl", message: "\(count) log lines dropped",
            metadata: ["dropped": "\(count)", "reason": "stderr's reader fell behind; logging does not wait for it"])
    }
}
