import ChatCore
import Foundation
import Synchronization

/// Revoked tokens in process memory; entries leave once their token has expired.
public final class MemoryRevokedTokens: RevokedTokens {
    private let revoked = Mutex<[String: Date]>([:])

    public init() {}

    public func revoke(_ token: String, until expiresAt: Date) async throws {
        let now = Date()
        revoked.withLock { revoked in
            revoked[token] = expiresAt
            if revoked.count.isMultiple(of: 1024) {
                revoked = revoked.filter { $0.value > now }
            }
        }
    }

    public func isRevoked(_ token: String) async throws -> Bool {
        revoked.withLock { revoked in
            guard let until = revoked[token] else { return false }
            return until > Date()
        }
    }
}
