import ChatBackends
import ChatCore
import Logging

/// What a one-shot operator command (`chatctl archive`, `report …`) needs: the store,
/// the recent-message cache to invalidate (Redis when configured; otherwise the caches
/// live inside the serving processes and expire by themselves), the locks, the node
/// registry (to find the running nodes' operator API) and the fan-out feed (`tail`).
/// No secret key is needed: nothing here signs tokens.
public struct OperatorBackends: Sendable {
    public let store: any ChatStore
    public let cache: any RecentMessageCache
    public let locks: any LockService
    /// Where the serving processes registered (the same registry they write).
    public let nodes: any NodeRegistry
    /// The chat nodes' fan-out as this process hears it (Redis); nil without Redis.
    public let fanoutFeed: (any FanoutFeed)?
    /// bcrypt at the Go service's cost, for `chatctl users create|set-password`.
    public let hasher: any PasswordHasher = BcryptPasswordHasher()
    /// The store and the shared backend, closed in reverse order.
    let backends: OpenedBackends

    /// Opens the store, then the shared backend (`SharedBackend.Use.oneShot`); when the
    /// second fails, the store is closed before the error goes on.
    public static func connect(settings: Settings, logger: Logger) async throws -> OperatorBackends {
        try await OpenedBackends.opening { opened in
            let store = try await BackendWiring.openStore(settings: settings, logger: logger)
            opened.append(store)
            let shared = try await BackendWiring.openShared(settings: settings, for: .oneShot, store: store.store, logger: logger)
            opened.append(shared)
            return OperatorBackends(
                store: store.store, cache: shared.cache, locks: shared.locks, nodes: shared.nodeRegistry(store: store),
                fanoutFeed: shared.fanoutFeed(logger: logger), backends: opened)
        }
    }

    public func close() async {
        await backends.close()
    }
}
