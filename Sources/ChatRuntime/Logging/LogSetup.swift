import Foundation
import Logging
import Synchronization

/// Process-wide logging: one line per event on stderr, logfmt or JSON.
public enum LogSetup {
    private static let bootstrapped = Mutex(false)

    /// Installs the stderr handler once per process (the first call's format wins), makes
    /// `level` the process's (`ProcessLogLevel`: every logger follows it, and a reload
    /// changes it) and returns a logger.
    public static func logger(label: String, level: Logger.Level, format: LogFormat = .logfmt) -> Logger {
        bootstrapped.withLock { done in
            if !done {
                LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format) }
                // Lines wait for stderr's writer thread, which dies with the process:
                // every exit (main returning, ArgumentParser's exit on an error, a
                // second signal) first writes what is queued, within the flush's bound.
                _ = atexit { _ = LineSink.standardError.flushBlocking() }
                done = true
            }
        }
        ProcessLogLevel.shared.set(level)
        return Logger(label: label)
    }

    /// Waits until the lines logged so far are on stderr, at most `timeout`; call it
    /// before the process exits (the last lines, "stopped" among them, matter most).
    /// Returns whether every line was written.
    @discardableResult
    public static func flush(timeout: Duration = .seconds(2)) async -> Bool {
        await LineSink.standardError.flush(timeout: timeout)
    }
}
