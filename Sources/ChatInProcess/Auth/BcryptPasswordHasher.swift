import BlockingGuard
import ChatCore
import HummingbirdBcrypt
import NIOPosix

/// bcrypt through HummingbirdBcrypt, on a thread pool (never on an event loop or the
/// cooperative pool: a cost-10 hash is about 60 ms of CPU).
///
/// New hashes use the Go service's `$2a$` prefix and cost 10. `$2a$`, `$2b$` and
/// `$2y$` hashes all verify (the three differ only in historical bugs of other
/// implementations, not in the algorithm for valid UTF-8 input).
public struct BcryptPasswordHasher: PasswordHasher {
    /// log2 of the bcrypt rounds.
    public let cost: UInt8
    private let threadPool: NIOThreadPool

    public init(cost: UInt8 = 10, threadPool: NIOThreadPool = .singleton) {
        self.cost = cost
        self.threadPool = threadPool
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        let hash = try await threadPool.runIfActive { () -> String in
            BlockingCallGuard.assertNotOnEventLoop("a bcrypt hash")
            return Bcrypt.hash(password, cost: cost)
        }
        return Self.withPrefix("$2a$", hash)
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        guard hash.hasPrefix("$2") else { return false }
        let normalised = hash.hasPrefix("$2y$") ? Self.withPrefix("$2b$", hash) : hash
        return try await threadPool.runIfActive { () -> Bool in
            BlockingCallGuard.assertNotOnEventLoop("a bcrypt verify")
            return Bcrypt.verify(password, hash: normalised)
        }
    }

    private static func withPrefix(_ prefix: String, _ hash: String) -> String {
        guard hash.count > 4, hash.hasPrefix("$2") else { return hash }
        return prefix + hash.dropFirst(4)
    }
}
