import ChatCore
import Logging
import RedisKit
import ServiceLifecycle

/// What chat nodes share — the recent-message cache, room fan-out, revoked tokens,
/// locks — from Redis, or in-process when no Redis is configured.
///
/// Provides those ports, the services to run beside the servers (the Redis
/// subscription behind the fan-out), health checks and `close()`.
public struct SharedBackend: ClosableBackend {
    /// Where the shared state lives.
    public enum Location: Sendable, Equatable {
        /// Redis at the Go system's `host:port` or a `redis://[:password@]host[:port][/db]` URL.
        case redis(uri: String)
        /// In this process (the embedded default).
        case inProcess

        /// Where (the password redacted): `in-process`, or nil for a Redis address that
        /// does not parse.
        public var target: String? {
            switch self {
            case .redis(let uri): (try? RedisEndpoint(parsing: uri)).map { "\($0)" }
            case .inProcess: "in-process"
            }
        }
    }

    /// Who uses the shared state: it decides which ports are real.
    public enum Use: Sendable {
        /// A serving process. Redis: cache, fan-out (a `Service`), revoked tokens and
        /// locks on one client, checked with a PING whose failure is only logged (Redis
        /// down never stops the chat service: it carries on and catches up). In-process:
        /// memory cache, local fan-out, memory revoked tokens, locks over the store's
        /// leases (so several schedulers on one store run each slot once).
        case serving
        /// A one-shot operator command: the cache to invalidate and the locks. Redis:
        /// both on one client, no PING (the command's first call says). In-process: no
        /// cache (each serving process has its own, out of reach) and locks over the
        /// store's leases, the same as a serving process's (so a `chatctl archive` and a
        /// scheduler on one store exclude each other: `ArchiveLock`). It broadcasts
        /// nothing, so its fan-out is local.
        case oneShot
    }

    public let cache: any RecentMessageCache
    public let fanout: any RoomFanout
    public let revokedTokens: any RevokedTokens
    /// Named locks: Redis when configured, else the store's leases, for every use — the
    /// one decision of which lock serving processes and commands share.
    public let locks: any LockService
    /// What must run beside the servers (the Redis fan-out's subscription).
    public let services: [any Service]
    /// Where, for logs: `in-process` or the Redis endpoint (password redacted).
    public let description: String
    private let client: RedisClient?
    /// The node registry in Redis (nil in-process: then the store's).
    private let redisNodes: RedisNodeRegistry?

    private init(
        cache: any RecentMessageCache, fanout: any RoomFanout, revokedTokens: any RevokedTokens, locks: any LockService,
        services: [any Service], description: String, client: RedisClient?
    ) {
        self.cache = cache
        self.fanout = fanout
        self.revokedTokens = revokedTokens
        self.locks = locks
        self.services = services
        self.description = description
        self.client = client
        self.redisNodes = client.map { RedisNodeRegistry(client: $0) }
    }

    /// Where serving processes register and commands find them: Redis when configured
    /// (a key per node that expires by itself), else `store`'s table or collection. For
    /// serving processes and one-shot commands alike, so both look in the same place.
    public func nodeRegistry(store: StoreBackend) -> any NodeRegistry {
        redisNodes ?? store.nodeRegistry
    }

    /// The fan-out as a process that serves no sockets hears it (`chatctl tail`): a
    /// subscription of its own to Redis's channel for each run; nil in-process, where each
    /// serving process's fan-out stays inside it.
    public func fanoutFeed(logger: Logger) -> (any FanoutFeed)? {
        client.map { RedisFanoutFeed(endpoint: $0.endpoint, logger: logger) }
    }

    /// What `/readyz` probes: Redis when configured.
    public var healthChecks: [HealthCheck] {
        guard let client else { return [] }
        return [HealthCheck(name: "redis") { try await client.ping() }]
    }

    public func close() async { await client?.close() }

    /// The shared ports at `location` for `use`.
    ///
    /// - Parameter store: what in-process locks lease through (serving and one-shot), and what the Redis
    ///   fan-out fetches missed messages from (`.serving` only).
    /// - Throws: `BackendError` (`.invalidAddress`) when the Redis address does not
    ///   parse; nothing is opened then.
    public static func open(_ location: Location, for use: Use, store: any ChatStore, logger: Logger) async throws(BackendError) -> SharedBackend {
        let uri: String
        switch location {
        case .inProcess: return inProcess(for: use, store: store)
        case .redis(let configured): uri = configured
        }
        let address = try parse(uri)
        let client = RedisClient(endpoint: address)
        switch use {
        case .serving:
            do {
                try await client.ping()
            } catch {
                // Redis down never stops the chat service: it carries on and catches up.
                logger.warning("Redis does not answer yet; starting anyway", metadata: ["redis": "\(client.endpoint)", "error": "\(error)"])
            }
            let fanout = RedisFanout(client: client, store: store, logger: logger)
            return SharedBackend(
                cache: RedisRecentCache(client: client, logger: logger), fanout: fanout, revokedTokens: RedisRevokedTokens(client: client, logger: logger),
                locks: RedisLockService(client: client), services: [fanout], description: "\(client.endpoint)", client: client)
        case .oneShot:
            return SharedBackend(
                cache: RedisRecentCache(client: client, logger: logger), fanout: LocalFanout(), revokedTokens: RedisRevokedTokens(client: client, logger: logger),
                locks: RedisLockService(client: client), services: [], description: "\(client.endpoint)", client: client)
        }
    }

    /// The embedded default: nothing to connect to, nothing to close.
    private static func inProcess(for use: Use, store: any ChatStore) -> SharedBackend {
        switch use {
        case .serving:
            SharedBackend(
                cache: MemoryRecentCache(), fanout: LocalFanout(), revokedTokens: MemoryRevokedTokens(), locks: StoreLockService(store: store),
                services: [], description: "in-process", client: nil)
        case .oneShot:
            SharedBackend(
                cache: NoRecentCache(), fanout: LocalFanout(), revokedTokens: MemoryRevokedTokens(), locks: StoreLockService(store: store),
                services: [], description: "in-process", client: nil)
        }
    }

    /// `doctor`'s check of `location`: one connection, a PING, the client closed on
    /// every path. Nothing to check in-process.
    ///
    /// - Throws: `BackendError` (`.invalidAddress`) when the address does not parse;
    ///   the client's error when Redis does not answer.
    public static func probe(_ location: Location) async throws {
        guard case .redis(let uri) = location else { return }
        let address = try parse(uri)
        let client = RedisClient(endpoint: address, options: .init(poolSize: 1, connectTimeout: .seconds(2), commandTimeout: .seconds(2)))
        do {
            try await client.ping()
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }

    /// The parsed address, or the one error for an address that does not parse.
    private static func parse(_ uri: String) throws(BackendError) -> RedisEndpoint {
        do throws(RedisEndpointError) {
            return try RedisEndpoint(parsing: uri)
        } catch {
            throw BackendError(.redis, .invalidAddress, target: "redis", reason: "\(error)")
        }
    }
}
