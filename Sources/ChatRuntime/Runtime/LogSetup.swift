import Logging
import Synchronization

/// Process-wide logging: one line per event on stderr.
public enum LogSetup {
    private static let bootstrapped = Mutex(false)

    /// Installs the stderr handler once per process and returns a logger at `level`.
    public static func logger(label: String, level: Logger.Level) -> Logger {
        bootstrapped.withLock { done in
            if !done {
                LoggingSystem.bootstrap(StreamLogHandler.standardError)
                done = true
            }
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
