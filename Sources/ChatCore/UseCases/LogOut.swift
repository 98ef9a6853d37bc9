/// Revokes the caller's token until it expires and closes the user's live sockets
/// (code 1008 "logged out") on every node, through the store's session-end log.
public struct LogOut: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// The close reason sockets get.
    public static let endReason = "logged out"

    public func callAsFunction(_ identity: Identity) async throws {
        try await ports.revokedTokens.revoke(identity.token, until: identity.claims.expiresAt)
        try await ports.store.recordSessionEnd(SessionEnd(userID: identity.user.id, reason: Self.endReason))
        ports.logger.info("user logged out", metadata: ["user": "\(identity.user.username)"])
    }
}
