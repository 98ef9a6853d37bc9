import ChatCore
import RedisKit

/// Locks across hosts in Redis: `SET key token NX PX ttl`; renew and release check the
/// token in a Lua script, so a process never extends or frees a lock it lost.
public final class RedisLockService: LockService {
    private let client: RedisClient

    public init(client: RedisClient) { self.client = client }

    static func key(_ name: String) -> String { "\(RedisKeys.prefix)lock:\(name)" }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    static let renewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """

    static let releaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """

    public func acquire(_ name: String, ttl: Duration) async throws -> LockLease? {
        let token = LockLease.newToken()
        let reply = try await redis { try await client.command(["SET", Self.key(name), token, "NX", "PX", Self.milliseconds(ttl)]) }
        return reply.isNull ? nil : LockLease(name: name, token: token)
    }

    public func renew(_ lease: LockLease, ttl: Duration) async throws -> Bool {
        try await redis {
            try await client.command(["EVAL", Self.renewScript, "1", Self.key(lease.name), lease.token, Self.milliseconds(ttl)]).int == 1
        }
    }

    public func release(_ lease: LockLease) async throws {
        _ = try await redis { try await client.command(["EVAL", Self.releaseScript, "1", Self.key(lease.name), lease.token]) }
    }

    private func redis<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch {
            throw ChatError.backend("the lock service", detail: "Redis: \(error)")
        }
    }
}
