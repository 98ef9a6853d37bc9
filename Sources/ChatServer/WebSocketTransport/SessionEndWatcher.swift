import ChatCore
import Foundation
import Logging
import ServiceLifecycle

/// Reads the store's session-end log and closes the named users' sockets on this node.
///
/// Whoever ends a session (a `chatctl users …` command in a shell, or another node)
/// writes to the store, which every node shares in every deployment, so this works with
/// or without Redis. Each poll looks back `lookback` (clock skew between hosts, writes
/// committing late) and remembers what it already acted on (`LogCursor`).
public struct SessionEndWatcher: Service {
    let log: any SessionEndLog
    let hubs: [any SessionEndingHub]
    let interval: Duration
    let lookback: TimeInterval
    let logger: Logger

    public init(log: any SessionEndLog, hubs: [any SessionEndingHub], interval: Duration = .seconds(1), lookback: TimeInterval = 10, logger: Logger) {
        self.log = log
        self.hubs = hubs
        self.interval = interval
        self.lookback = lookback
        self.logger = logger
    }

    public func run() async throws {
        await LogCursor.follow(
            every: interval, lookback: lookback, read: { try await log.sessionEnds(since: $0) }, id: { $0.id }, at: { $0.at },
            readFailed: { logger.warning("could not read session ends; retrying", metadata: ["error": "\($0)"]) }
        ) { end in
            let closed = hubs.reduce(0) { $0 + $1.endSessions(ofUser: end.userID, reason: end.reason) }
            if closed > 0 {
                logger.notice("closed sockets of ended session", metadata: ["user_id": "\(end.userID)", "reason": "\(end.reason)", "sockets": "\(closed)"])
            }
        }
    }
}
