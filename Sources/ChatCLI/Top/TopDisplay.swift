import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `chatctl top` shows its samples, and how it waits between two: a terminal
/// redrawn in place (`TopScreen`), tables printed one after the other (`TopPrinted`), or
/// one JSON line per sample (`TopJSONLines`).
protocol TopDisplay {
    /// Shows one sample.
    /// - Throws: `TopDisplayClosed` when stdout is gone.
    func show(_ frame: TopFrame) throws
    /// Waits `interval`, or less when the person at the terminal quits; whether they did.
    /// - Throws: `CancellationError` when the task is cancelled (a signal).
    func wait(_ interval: Duration) async throws -> Bool
    /// Gives the terminal back as it was (idempotent).
    func close()
}

/// stdout is gone (its reader closed the pipe): nothing more to show.
struct TopDisplayClosed: Error {}

/// One JSON object per sample and line, written out at once (`--json`, or stdout not a
/// terminal).
struct TopJSONLines: TopDisplay {
    func show(_ frame: TopFrame) throws {
        let line = try frame.jsonLine()
        guard StandardOutput.put(line + "\n") else { throw TopDisplayClosed() }
    }

    func wait(_ interval: Duration) async throws -> Bool {
        try await Task.sleep(for: interval)
        return false
    }

    func close() {}
}

/// Each sample printed as a table below the one before, with no escape codes and the
/// terminal left as it is (`--once` on a terminal: a script's output, or a glance).
struct TopPrinted: TopDisplay {
    /// What the title says of the interval (`every 2s`).
    let every: String

    func show(_ frame: TopFrame) throws {
        let size = TopScreen.windowSize()
        let lines = TopScreen.layout(frame, title: TopScreen.title(frame, every: every, how: nil), columns: size.columns, rows: Int.max)
        guard StandardOutput.put(lines.joined(separator: "\n") + "\n") else { throw TopDisplayClosed() }
    }

    func wait(_ interval: Duration) async throws -> Bool {
        try await Task.sleep(for: interval)
        return false
    }

    func close() {}
}

/// Writes to stdout with `write(2)`, no buffer in between: a reader sees each sample at
/// once.
enum StandardOutput {
    /// All of `text`, through short writes and interruptions; false when stdout refuses
    /// it (a closed pipe).
    static func put(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
