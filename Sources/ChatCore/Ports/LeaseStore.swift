import Foundation

/// Named leases kept in the store itself: the single-runner guarantee for scheduler
/// tasks when no Redis is configured (several schedulers on one SQLite file or one
/// MongoDB database still run each task once).
public protocol LeaseStore: Sendable {
    /// Takes `name` until `expiresAt` if it is free or expired; false when held.
    func acquireLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool
    /// Moves a held lease's expiry; false when it is no longer ours.
    func renewLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool
    /// Frees a held lease; nothing when it is no longer ours.
    func releaseLease(_ name: String, token: String) async throws
}

/// `LockService` over a store's leases.
public struct StoreLockService: LockService {
    let store: any LeaseStore

    public init(store: any LeaseStore) { self.store = store }

    public func acquire(_ name: String, ttl: Duration) async throws -> LockLease? {
        let token = LockLease.newToken()
        return try await store.acquireLease(name, token: token, expiresAt: Self.expiry(ttl)) ? LockLease(name: name, token: token) : nil
    }

    public func renew(_ lease: LockLease, ttl: Duration) async throws -> Bool {
        try await store.renewLease(lease.name, token: lease.token, expiresAt: Self.expiry(ttl))
    }

    public func release(_ lease: LockLease) async throws {
        try await store.releaseLease(lease.name, token: lease.token)
    }

    static func expiry(_ ttl: Duration) -> Date {
        let (seconds, attoseconds) = ttl.components
        return Date().addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
