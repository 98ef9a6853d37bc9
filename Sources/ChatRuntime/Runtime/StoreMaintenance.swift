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
        guard let uri = settings.mongoURI else {
            return IndexReport(
                store: "sqlite", location: settings.sqlitePath, indexes: [],
                note: "the embedded SQLite store creates its indexes in its schema migrations; nothing to do")
        }
        let database = settings.mongoDatabase
        let store: MongoChatStore
        do {
            store = try MongoChatStore(uri: uri, database: database)
            try await store.ensureIndexes()
        } catch let error as ChatError {
            throw RuntimeError("cannot ensure MongoDB indexes: \(error.detail ?? error.message)")
        }
        await store.close()
        return IndexReport(
            store: "mongodb", location: store.displayName, indexes: MongoChatStore.indexes,
            note: "\(MongoChatStore.indexes.count) indexes ensured (existing identical indexes are left as they are)")
    }
}
