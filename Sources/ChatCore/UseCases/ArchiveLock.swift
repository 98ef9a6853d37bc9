import Foundation

/// The one lock every archive, retention and restore run holds — the scheduler's and
/// `chatctl archive`'s alike — so two of them never work on the same messages at once
/// (a count made after a run would otherwise see the other's half-done batches).
///
/// Which `LockService` carries it is decided in one place, `SharedBackend`: Redis when
/// configured, else leases in the store (`StoreLockService`), for serving processes and
/// one-shot commands alike, so a shell and a scheduler on the same SQLite file or MongoDB
/// database exclude each other. The lease lasts `ttl` (`defaultTTL`) and is renewed
/// every third of it while the run lasts; released at the end (also on a failure). A run
/// whose lease was lost (not renewed in time: the store unreachable, the process stopped)
/// is cancelled between batches and fails with `ArchiveLockError.lost`; what it did stays
/// done (every step is idempotent).
public struct ArchiveLock: Sendable {
    /// The lock's name, the same for every runner.
    public static let name = "archive"
    /// How long a lease holds without a renewal.
    public static let defaultTTL: Duration = .seconds(60)

    let locks: any LockService
    let ttl: Duration

    public init(locks: any LockService, ttl: Duration = ArchiveLock.defaultTTL) {
        self.locks = locks
        self.ttl = ttl
    }

    /// Runs `body` holding the lock.
    /// - Throws: `ArchiveLockError.held` when another run holds it (nothing ran);
    ///   `ArchiveLockError.lost` when the lease could not be kept; `body`'s error.
    public func holding<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let lease = try await locks.acquire(Self.name, ttl: ttl) else { throw ArchiveLockError.held }
        let result: T
        do {
            result = try await withThrowingTaskGroup(of: Outcome<T>.self) { group in
                group.addTask {
                    let value = try await body()
                    return .finished(value)
                }
                group.addTask {
                    try await keep(lease)
                    return .lost
                }
                guard let first = try await group.next() else { throw ArchiveLockError.lost }
                group.cancelAll()
                switch first {
                case .finished(let value): return value
                case .lost: throw ArchiveLockError.lost
                }
            }
        } catch {
            try? await locks.release(lease)
            throw error
        }
        try? await locks.release(lease)
        return result
    }

    private enum Outcome<Value: Sendable>: Sendable {
        case finished(Value)
        case lost
    }

    /// Renews the lease every third of its time; returns once a renewal says it is no
    /// longer ours, throws when cancelled. A renewal that fails (the lock service
    /// unreachable) is tried again at the next tick: the lease may still hold.
    private func keep(_ lease: LockLease) async throws {
        while true {
            try await Task.sleep(for: ttl / 3)
            let renewed: Bool
            do {
                renewed = try await locks.renew(lease, ttl: ttl)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                continue
            }
            if !renewed { return }
        }
    }
}

/// Why an archive run did not run or did not finish under `ArchiveLock`.
public enum ArchiveLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another run (the scheduler's or a `chatctl archive`) holds the lock.
    case held
    /// The lease ran out before it could be renewed; the run was stopped between batches.
    case lost

    public var description: String {
        switch self {
        case .held: "another archive run holds the archive lock (the scheduler's or a chatctl archive); try again when it ends"
        case .lost: "the archive lock was lost (not renewed in time); the run stopped between batches: run it again to finish"
        }
    }
}
