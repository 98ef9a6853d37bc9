/// Revokes the caller's token until it expires.
public struct LogOut: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    public func callAsFunction(_ identity: Identity) async throws {
        try await ports.revokedTokens.revoke(identity.token, until: identity.claims.expiresAt)
        ports.logger.info("user logged out", metadata: ["user": "\(identity.user.username)"])
    }
}
