import Foundation

/// The identity a verified access token carries (JWT claims `id`, `username`, `exp`).
public struct AuthClaims: Sendable, Hashable {
    /// Absent in tokens minted by early versions of the Go service (they carried only `username`).
    public var userID: ObjectID?
    public var username: String
    public var expiresAt: Date
    /// When the token was issued, as far as the authority knows: user tokens carry no
    /// `iat` (the Go service's neither), so `JWTTokenAuthority` takes `exp` minus its
    /// token lifetime. Nil when unknown.
    public var issuedAt: Date?

    public init(userID: ObjectID?, username: String, expiresAt: Date, issuedAt: Date? = nil) {
        self.userID = userID
        self.username = username
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
    }
}

/// An authenticated user: the stored record plus the token that proved it.
public struct Identity: Sendable, Hashable {
    public var user: User
    public var token: String
    public var claims: AuthClaims

    public init(user: User, token: String, claims: AuthClaims) {
        self.user = user
        self.token = token
        self.claims = claims
    }
}
