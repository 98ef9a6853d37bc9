import ChatBackends
import ChatCore
import Foundation

/// Every store kind the suites run against, and a fresh store of each.
public enum TestStores {
    public enum Kind: String, CaseIterable, Sendable { case memory, sqlite, mongodb }

    /// Every kind; MongoDB when a server is given (and always in CI, where a missing
    /// server fails the MongoDB cases instead of skipping them).
    public static var kinds: [Kind] { MongoTestServer.shouldRun ? Kind.allCases : [.memory, .sqlite] }

    /// A new, empty store (a temporary SQLite file; a fresh MongoDB database with indexes).
    public static func make(_ kind: Kind) async throws -> any ChatStore {
        switch kind {
        case .memory:
            return MemoryChatStore()
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-test-\(UUID().uuidString)/chat.sqlite").path
            return try await SQLiteChatStore.open(path: path)
        case .mongodb:
            return try await mongo(uri: try MongoTestServer.requireURI())
        }
    }

    /// A fresh database with indexes on the MongoDB server at `uri`.
    public static func mongo(uri: String) async throws -> MongoChatStore {
        let store = try MongoChatStore(uri: uri, database: MongoTestServer.freshDatabase())
        try await store.ensureIndexes()
        return store
    }
}
