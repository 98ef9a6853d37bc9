import ChatCore
import Foundation
import Logging
import RedisKit

/// Revoked tokens in Redis, shared by every node: one key per token (by its
/// signature) that expires when the token would have.
///
/// If Redis cannot be reached, `isRevoked` fails closed (the token is refused with a
/// 503-class error) rather than letting a logged-out token through.
public final class RedisRevokedTokens: RevokedTokens {
    private let client: RedisClient

    public init(client: RedisClient) { self.client = client }

    /// The key for a token: its signature segment (unique per token).
    static func key(_ token: String) -> String {
        RedisKeys.revoked(token.split(separator: ".").last ?? Substring(token))
    }

    public func revoke(_ token: String, until expiresAt: Date) async throws {
        let milliseconds = Int64((expiresAt.timeIntervalSinceNow * 1000).rounded(.up))
        guard milliseconds > 0 else { return }
        do {
            try await client.command(["SET", Self.key(token), "1", "PX", String(milliseconds)])
        } catch {
            throw ChatError.backend("the session store", detail: "Redis: \(error)")
        }
    }

    public func isRevoked(_ token: String) async throws -> Bool {
        do {
            return try await client.command(["EXISTS", Self.key(token)]).int == 1
        } catch {
            throw ChatError.backend("the session store", detail: "Redis: \(error)")
        }
    }
}
