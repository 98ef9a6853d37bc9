import ChatRuntime
import Foundation
import Logging
import UnixSignals

/// The operator's escape hatch: the first SIGTERM/SIGINT starts a graceful shutdown
/// (handled by the `ServiceGroup`); a second one while it runs exits the process at
/// once, with 128 + the signal number as the shell expects.
enum SecondSignalExit {
    static func run(logger: Logger, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                var seen = 0
                for await signal in signals {
                    seen += 1
                    if seen >= 2 {
                        logger.warning("second signal during shutdown: exiting now", metadata: ["signal": "\(signal)"])
                        await LogSetup.flush(timeout: .milliseconds(500))
                        exit(128 + signal.rawValue)
                    }
                }
            }
            // The body ends the group; the watcher only ever ends it by exiting.
            try await group.next()
            group.cancelAll()
        }
    }
}
