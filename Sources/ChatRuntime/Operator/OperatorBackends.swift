import ChatBackends
import ChatCore
import Logging
import RedisKit

/// What a one-shot operator command (`chatctl archive`, `report …`) needs: the store,
/// the recent-message cache to invalidate (Redis when configured; otherwise the caches
/// live inside the serving processes and expire by themselves), and the locks.
/// No secret key is needed: nothing here signs tokens.
public struct OperatorBackends: Sendable {
    public let store: any ChatStore
    public let cache: any RecentMessageCache
    public let locks: any LockService
    /// bcrypt at the Go service's cost, for `chatctl users create|set-password`.
    public let hasher: any PasswordHasher = BcryptPasswordHasher()
    let redis: RedisClient?

    public static func connect(settings: Settings, logger: Logger) async throws -> OperatorBackends {
        let store = try await ChatRuntime.connectStore(settings: settings, logger: logger)
        guard let uri = settings.redisURI else {
            return OperatorBackends(store: store, cache: NoCache(), locks: MemoryLockService(), redis: nil)
        }
        let client: RedisClient
        do {
            client = try RedisClient(url: uri)
        } catch {
            throw RuntimeError("\(SettingKey.redisURI.key): \(error)")
        }
        return OperatorBackends(store: store, cache: RedisRecentCache(client: client, logger: logger), locks: RedisLockService(client: client), redis: client)
    }

    public func close() async {
        await redis?.close()
        await store.close()
    }
}

/// No shared cache to touch (the embedded default: each serving process has its own).
struct NoCache: RecentMessageCache {
    func lookup(room roomID: ObjectID) async -> CacheLookup { .miss(fillToken: 0) }
    func fill(room roomID: ObjectID, messages: [Message], fillToken: UInt64) async {}
    func append(_ message: Message) async {}
    func invalidate(room roomID: ObjectID, name: String) async {}
}
