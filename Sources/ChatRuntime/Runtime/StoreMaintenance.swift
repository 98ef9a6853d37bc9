import ChatBackends
import ChatCore
import Logging

/// Store housekeeping for `chatctl db …`, on the store the settings select.
public enum StoreMaintenance {
    /// What `ensureIndexes` did.
    public struct IndexReport: Sendable, Encodable {
        /// `mongodb` or `sqlite`.
        public var store: String
        /// Where (credentials redacted).
        public var location: String
        public var indexes: [MongoChatStore.IndexDescription]
        /// A sentence for people.
        public var note: String
    }

    /// Creates MongoDB's indexes (idempotent); for SQLite, reports that migrations own them.
    public static func ensureIndexes(settings: Settings) async throws -> IndexReport {
        let location = BackendWiring.storeLocation(settings)
        guard case .mongoDB = location else {
            return IndexReport(
                store: "sqlite", location: settings.sqlitePath, indexes: [],
                note: "the embedded SQLite store creates its indexes in its schema migrations; nothing to do")
        }
        // Opening MongoDB is ensuring its indexes (and closes the client when that fails).
        let backend: StoreBackend
        do {
            backend = try await StoreBackend.open(location)
        } catch let error as BackendError {
            throw RuntimeError("cannot ensure MongoDB indexes: \(error.reason)")
        }
        await backend.close()
        return IndexReport(
            store: "mongodb", location: backend.description, indexes: MongoChatStore.indexes,
            note: "\(MongoChatStore.indexes.count) indexes ensured (existing identical indexes are left as they are)")
    }
}
