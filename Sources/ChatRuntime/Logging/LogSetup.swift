import Logging
import Synchronization

/// Process-wide logging: one line per event on stderr, logfmt or JSON.
public enum LogSetup {
    private static let bootstrapped = Mutex(false)

    /// Installs the stderr handler once per process (the first call's format wins) and
    /// returns a logger at `level`.
    public static func logger(label: String, level: Logger.Level, format: LogFormat = .logfmt) -> Logger {
        bootstrapped.withLock { done in
            if !done {
                LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format) }
                done = true
            }
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
