import ChatCore
import Foundation
import Logging
import RedisKit
import Synchronization

/// Revoked tokens in Redis, shared by every node: one key per token (by its
/// signature) that expires when the token would have.
///
/// Redis down never stops the chat service: each node also remembers what it revoked
/// itself, answers from that during an outage (logged once), and writes revocations
/// made during the outage to Redis once it is back. The cost: while Redis is down, a
/// token logged out on another node is still accepted here.
public final class RedisRevokedTokens: RevokedTokens {
    private let client: RedisClient
    private let local = MemoryRevokedTokens()
    private let pending = Mutex<[(key: String, expiresAt: Date)]>([])
    private let outage: OutageLog

    public init(client: RedisClient, logger: Logger) {
        self.client = client
        self.outage = OutageLog(what: "Redis revoked-token set", logger: logger)
    }

    /// The key for a token: its signature segment (unique per token).
    static func key(_ token: String) -> String {
        RedisKeys.revoked(token.split(separator: ".").last ?? Substring(token))
    }

    public func revoke(_ token: String, until expiresAt: Date) async throws {
        try await local.revoke(token, until: expiresAt)
        pending.withLock { $0.append((Self.key(token), expiresAt)) }
        await flushPending()
    }

    public func isRevoked(_ token: String) async throws -> Bool {
        if try await local.isRevoked(token) { return true }
        do {
            let revoked = try await client.command(["EXISTS", Self.key(token)]).int == 1
            outage.recovered()
            await flushPending()
            return revoked
        } catch {
            outage.failed(error)
            return false
        }
    }

    /// Writes revocations not yet in Redis; keeps them for later if Redis is down.
    private func flushPending() async {
        let batch = pending.withLock { pending -> [(key: String, expiresAt: Date)] in
            defer { pending = [] }
            return pending
        }
        guard !batch.isEmpty else { return }
        let commands = batch.compactMap { entry -> [String]? in
            let milliseconds = Int64((entry.expiresAt.timeIntervalSinceNow * 1000).rounded(.up))
            return milliseconds > 0 ? ["SET", entry.key, "1", "PX", String(milliseconds)] : nil
        }
        do {
            if !commands.isEmpty { _ = try await client.pipeline(commands) }
            outage.recovered()
        } catch {
            outage.failed(error)
            pending.withLock { $0.insert(contentsOf: batch, at: 0) }
        }
    }
}
