import ChatCore
import Synchronization

/// Locks inside one process (the embedded default: one scheduler per process).
public final class MemoryLockService: LockService {
    private let held = Mutex<[String: (token: String, expires: ContinuousClock.Instant)]>([:])

    public init() {}

    public func acquire(_ name: String, ttl: Duration) async throws -> LockLease? {
        let now = ContinuousClock.now
        let token = LockLease.newToken()
        return held.withLock { held in
            if let current = held[name], current.expires > now { return nil }
            held[name] = (token, now + ttl)
            return LockLease(name: name, token: token)
        }
    }

    public func renew(_ lease: LockLease, ttl: Duration) async throws -> Bool {
        let now = ContinuousClock.now
        return held.withLock { held in
            guard let current = held[lease.name], current.token == lease.token, current.expires > now else { return false }
            held[lease.name] = (lease.token, now + ttl)
            return true
        }
    }

    public func release(_ lease: LockLease) async throws {
        held.withLock { held in
            if held[lease.name]?.token == lease.token { held[lease.name] = nil }
        }
    }
}
