/// Turns a bearer token into the user it belongs to, or refuses it.
public struct Authenticate: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// - Throws: `ChatError.unauthorized` saying why (missing, invalid, expired, revoked,
    ///   unknown, disabled or banned user, or issued before the user's ban).
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
        switch user.standing() {
        case .active: break
        case .disabled: throw ChatError.unauthorized("user is disabled")
        case .banned: throw ChatError.bannedToken
        }
        // A ban that ended (or was lifted) still refuses the tokens issued before it began.
        guard !user.refusesToken(issuedAt: claims.issuedAt) else { throw ChatError.tokenBeforeBan }
        return Identity(user: user, token: token, claims: claims)
    }
}
