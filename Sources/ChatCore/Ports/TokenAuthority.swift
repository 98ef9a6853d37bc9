/// Issues and verifies access tokens (HS256 JWTs in production).
public protocol TokenAuthority: Sendable {
    /// A signed token for the user, valid for the authority's lifetime.
    func issue(for user: User) async throws -> String
    /// The claims of a valid token; throws `ChatError.unauthorized` saying why otherwise.
    func verify(_ token: String) async throws -> AuthClaims
}
