import ChatCore
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Checkpoints the SQLite WAL off the write path: every `interval`, a PASSIVE checkpoint
/// on its own connection copies committed pages into the database file while writers
/// keep appending to the WAL (they never wait for it). Used with a store opened with
/// `backgroundCheckpoints: true`; at shutdown GRDB's last connection checkpoints the rest.
public struct SQLiteCheckpointer: Service {
    let path: String
    let interval: Duration
    let logger: Logger

    public init(store: SQLiteChatStore, interval: Duration = .seconds(1), logger: Logger) {
        self.path = store.path
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        let connection: DatabaseQueue
        do {
            connection = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            logger.error("cannot open the SQLite checkpoint connection; commits will not checkpoint the WAL", metadata: ["error": "\(error)"])
            throw error
        }
        await Periodic.run(every: interval) {
            do {
                try await connection.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
            } catch {
                logger.warning("WAL checkpoint failed; retrying", metadata: ["error": "\(error)"])
            }
        }
    }
}
