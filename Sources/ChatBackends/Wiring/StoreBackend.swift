import ChatCore
import Logging
import ServiceLifecycle

/// The store port, opened from plain values: the SQLite file (the embedded default) or
/// MongoDB in the Go layout, with its indexes ensured.
///
/// Provides the `ChatStore`, the services it needs running beside the servers (SQLite's
/// WAL checkpointer), a health check and `close()`. Opening MongoDB ensures the indexes
/// (uniqueness is enforced by them); a client whose indexes could not be ensured is
/// closed again before the error is thrown.
public struct StoreBackend: ClosableBackend {
    /// Which store.
    public enum Location: Sendable, Equatable {
        /// The embedded store: one SQLite file (created and migrated when opened).
        case sqlite(path: String)
        /// MongoDB at `uri` (credentials allowed: they are redacted everywhere), in `database`.
        case mongoDB(uri: String, database: String)
    }

    /// Who checkpoints SQLite's write-ahead log (MongoDB has none).
    public enum Checkpoints: Sendable {
        /// Commits do, as SQLite does by default: for one-shot commands.
        case onCommit
        /// `SQLiteCheckpointer` does, off the write path, logging through `logger`: for
        /// serving processes (commits never wait for a checkpoint).
        case background(logger: Logger)
    }

    /// The store port.
    public let store: any ChatStore
    /// The node registry in the store (SQLite table `nodes`, MongoDB collection
    /// `chatctl_nodes`), for deployments without Redis (`SharedBackend.nodeRegistry`).
    public let nodeRegistry: any NodeRegistry
    /// What must run beside the servers (SQLite's checkpointer with `.background`).
    public let services: [any Service]
    /// The same store, collection by collection, for `chatctl db copy`.
    public let transfer: any StoreTransfer

    private init(store: any ChatStore & StoreTransfer, nodeRegistry: any NodeRegistry, services: [any Service]) {
        self.store = store
        self.nodeRegistry = nodeRegistry
        self.services = services
        self.transfer = store
    }

    /// Where (credentials redacted), for logs.
    public var description: String { store.displayName }

    /// `store`: one cheap round trip.
    public var healthCheck: HealthCheck {
        let store = self.store
        return HealthCheck(name: "store") { try await store.ping() }
    }

    public func close() async { await store.close() }

    /// Opens (and for SQLite creates and migrates) the store at `location`.
    ///
    /// - Throws: `BackendError` (`.cannotOpen`): for SQLite whatever opening or migrating
    ///   failed with; for MongoDB a client that could not be made or indexes that could
    ///   not be ensured (the reason is the store's detail, credentials redacted). Other
    ///   errors of the MongoDB client (none expected) pass unchanged.
    public static func open(_ location: Location, checkpoints: Checkpoints = .onCommit) async throws -> StoreBackend {
        switch location {
        case .mongoDB(let uri, let database):
            let store = try await openMongoDB(uri: uri, database: database)
            return StoreBackend(store: store, nodeRegistry: store, services: [])
        case .sqlite(let path):
            var checkpointLogger: Logger?
            if case .background(let logger) = checkpoints { checkpointLogger = logger }
            let store: SQLiteChatStore
            do {
                store = try await SQLiteChatStore.open(path: path, backgroundCheckpoints: checkpointLogger != nil)
            } catch {
                throw BackendError(.sqlite, .cannotOpen, target: path, reason: "\(error)")
            }
            var services: [any Service] = []
            if let checkpointLogger { services.append(SQLiteCheckpointer(store: store, logger: checkpointLogger)) }
            return StoreBackend(store: store, nodeRegistry: store, services: services)
        }
    }

    /// A MongoDB store with the layout's indexes ensured.
    private static func openMongoDB(uri: String, database: String) async throws -> MongoChatStore {
        let store: MongoChatStore
        do {
            store = try MongoChatStore(uri: uri, database: database)
        } catch let error as ChatError {
            throw mongoDBFailure(error, target: "mongodb")
        }
        do {
            try await store.ensureIndexes()
        } catch {
            // The client is made (its threads run) but the store is not usable: a failed
            // start must not leave them behind.
            await store.close()
            if let error = error as? ChatError { throw mongoDBFailure(error, target: store.displayName) }
            throw error
        }
        return store
    }

    /// MongoChatStore reports MongoKit's failures as `ChatError.backend` with the
    /// driver's words (credentials redacted) in `detail`.
    private static func mongoDBFailure(_ error: ChatError, target: String) -> BackendError {
        BackendError(.mongoDB, .cannotOpen, target: target, reason: error.detail ?? error.message)
    }
}
