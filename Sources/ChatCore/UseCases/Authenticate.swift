/// Turns a bearer token into the user it belongs to, or refuses it.
public struct Authenticate: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// - Throws: `ChatError.unauthorized` saying why (missing, invalid, expired, revoked,
    ///   unknown or disabled user).
    public func callAsFunction(token: String?) async throws -> Identity {
        guard let token, !token.isEmpty else { throw ChatError.unauthorized("missing or malformed jwt") }
        let claims = try await ports.tokens.verify(token)
        if try await ports.revokedTokens.isRevoked(token) {
            throw ChatError.unauthorized("token has been revoked")
        }
        let user: User?
        if let id = claims.userID {
            user = try await ports.store.user(id: id)
        } else {
            user = try await ports.store.user(named: claims.username)
        }
        guard let user, user.username == claims.username else {
            throw ChatError.unauthorized("token user no longer exists")
        }
        guard !user.disabled else { throw ChatError.unauthorized("user is disabled") }
        return Identity(user: user, token: token, claims: claims)
    }
}
