/// Checks a username and password and issues an access token.
public struct LogIn: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// The result of a successful login.
    public struct Result: Sendable {
        public var user: User
        public var token: String
    }

    /// - Throws: `ChatError.required` for an empty field, `ChatError.invalidCredentials`
    ///   for an unknown user and for a wrong password alike, `ChatError.userDisabled`
    ///   for a disabled user with the right password.
    public func callAsFunction(username: String?, password: String?) async throws -> Result {
        guard let username, !username.isEmpty else { throw ChatError.required("username") }
        guard let password, !password.isEmpty else { throw ChatError.required("password") }
        guard let user = try await ports.store.user(named: username) else {
            // Spend the same time as a real check so that timing does not tell
            // whether the username exists.
            _ = try? await ports.hasher.verify(password, against: LogIn.timingDecoyHash)
            throw ChatError.invalidCredentials
        }
        guard try await ports.hasher.verify(password, against: user.passwordHash) else {
            throw ChatError.invalidCredentials
        }
        // Only after the password matched, so the answer tells nothing to a guesser.
        guard !user.disabled else { throw ChatError.userDisabled }
        let token = try await ports.tokens.issue(for: user)
        return Result(user: user, token: token)
    }

    /// A cost-10 bcrypt hash of a random string nobody knows.
    static let timingDecoyHash = "$2a$10$PKhByZrU.WbMGisyiQGG/OM6AAax7fW3eoZd/ilK/3vumCpR7Q9JC"
}
