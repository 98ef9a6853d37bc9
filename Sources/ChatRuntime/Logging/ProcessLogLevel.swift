import Logging
import Synchronization

/// The process's log level: what every `LineLogHandler` logs at unless its own logger was
/// given a level (`Logger.logLevel`). One atomic, so a configuration reload
/// (`ConfigReloader`) changes it at once for every logger, those the servers captured at
/// start included; a logger reads it once per line it might write.
public final class ProcessLogLevel: Sendable {
    /// The one of this process (`LogSetup.logger` sets it at start).
    public static let shared = ProcessLogLevel(.info)

    private static let levels = Logger.Level.allCases
    /// The level's index in `levels`.
    private let index: Atomic<Int>

    init(_ level: Logger.Level) { index = Atomic(Self.levels.firstIndex(of: level) ?? 0) }

    /// The level in force.
    public var level: Logger.Level { Self.levels[index.load(ordering: .relaxed)] }

    /// Makes `level` the one every following logger logs at.
    public func set(_ level: Logger.Level) {
        index.store(Self.levels.firstIndex(of: level) ?? 0, ordering: .relaxed)
    }
}
