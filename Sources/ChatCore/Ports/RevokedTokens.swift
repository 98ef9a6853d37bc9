import Foundation

/// Tokens refused before they expire (after logout), shared by every node when Redis is set.
public protocol RevokedTokens: Sendable {
    /// Refuses `token` from now until `expiresAt`.
    func revoke(_ token: String, until expiresAt: Date) async throws
    /// Whether `token` was revoked.
    func isRevoked(_ token: String) async throws -> Bool
}
