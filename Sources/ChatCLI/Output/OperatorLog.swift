import ChatRuntime
import Logging

/// Logging for one-shot commands: warnings and worse on stderr (their output is on stdout).
enum OperatorLog {
    static func logger(_ settings: Settings) -> Logger {
        LogSetup.logger(label: "chatctl", level: max(settings.logLevel, .warning), format: settings.logFormat)
    }
}
