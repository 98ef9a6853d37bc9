import BlockingGuard
import ChatCore
import Foundation
import GRDB
import Logging
import NIOPosix
import ServiceLifecycle

/// Checkpoints the SQLite WAL off the write path, every `interval`, in two steps:
///
/// 1. a PASSIVE checkpoint on its own connection copies the committed pages into the
///    database file and syncs it while writers keep appending (they never wait for it:
///    ~25 ms at 2,000 posts a second);
/// 2. a second PASSIVE checkpoint on the store's writer connection, between two write
///    transactions, copies the few frames written during step 1 (~3 ms, which the
///    writer does wait for). Only then is every frame checkpointed, so the next commit
///    starts the WAL over.
///
/// Step 1 alone never catches up under a steady write load (new frames arrive while it
/// runs), and the WAL grew without bound: 520 MB in 12 s at 2,000 posts a second. With
/// step 2 it holds about one interval of writes. Used with a store opened with
/// `backgroundCheckpoints: true`; at shutdown GRDB's last connection checkpoints the rest.
public struct SQLiteCheckpointer: Service {
    let store: SQLiteChatStore
    let path: String
    let interval: Duration
    let logger: Logger

    public init(store: SQLiteChatStore, interval: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.path = store.path
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let path = self.path
        let connection: DatabaseQueue
        do {
            // Opening reads the file and may wait on its lock (the busy timeout): on the
            // thread pool, not on the event loop this service's task runs on.
            connection = try await NIOThreadPool.singleton.runIfActive { () throws -> DatabaseQueue in
                BlockingCallGuard.assertNotOnEventLoop("opening the SQLite checkpoint connection")
                var configuration = Configuration()
                configuration.busyMode = .timeout(1)
                return try DatabaseQueue(path: path, configuration: configuration)
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("cannot open the SQLite checkpoint connection; commits will not checkpoint the WAL", metadata: ["error": "\(error)"])
            throw error
        }
        await Periodic.run(every: interval) {
            do {
                try await connection.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
                try await store.checkpointOnWriter()
            } catch {
                logger.warning("WAL checkpoint failed; retrying", metadata: ["error": "\(error)"])
            }
        }
    }
}
