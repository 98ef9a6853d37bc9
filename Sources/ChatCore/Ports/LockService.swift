/// A held lock: the name and the random token that proves who holds it.
public struct LockLease: Sendable, Hashable {
    public let name: String
    public let token: String

    public init(name: String, token: String) {
        self.name = name
        self.token = token
    }
}

/// Named locks with a time-to-live, for work that one process may do at a time
/// (the scheduler's tasks). With Redis configured they hold across hosts.
public protocol LockService: Sendable {
    /// Takes `name` for `ttl` if nobody holds it; nil when someone else does.
    func acquire(_ name: String, ttl: Duration) async throws -> LockLease?
    /// Extends a held lock; false when it was lost (expired and maybe taken by another).
    func renew(_ lease: LockLease, ttl: Duration) async throws -> Bool
    /// Releases a held lock; does nothing when it is no longer ours.
    func release(_ lease: LockLease) async throws
}

extension LockLease {
    /// A random token for a new lease.
    public static func newToken() -> String { RandomHex.make(bytes: 16) }
}
