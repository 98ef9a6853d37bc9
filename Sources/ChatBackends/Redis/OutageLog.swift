import Logging
import Synchronization

/// Logs a backend outage once when it starts and once when it ends, never per call.
final class OutageLog: Sendable {
    private let what: String
    private let logger: Logger
    private let down = Atomic<Bool>(false)

    init(what: String, logger: Logger) {
        self.what = what
        self.logger = logger
    }

    func failed(_ error: any Error) {
        if !down.exchange(true, ordering: .relaxed) {
            logger.warning("\(what) unavailable; carrying on without it until it returns", metadata: ["error": "\(error)"])
        }
    }

    /// True from a failure until the next success.
    var isDown: Bool { down.load(ordering: .relaxed) }

    func recovered() {
        if down.exchange(false, ordering: .relaxed) {
            logger.notice("\(what) is back")
        }
    }
}
