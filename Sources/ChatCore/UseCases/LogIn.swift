/// Checks a username and password and issues an access token.
public struct LogIn: Sendable {
    let ports: ChatPorts
    let throttle: LoginThrottle?

    /// - Parameter throttle: failed-login limits shared by this server's logins (none: no limit).
    public init(ports: ChatPorts, throttle: LoginThrottle? = nil) {
        self.ports = ports
        self.throttle = throttle
    }

    /// The result of a successful login.
    public struct Result: Sendable {
        public var user: User
        public var token: String
    }

    /// - Throws: `ChatError.required` for an empty field, `ChatError.invalidCredentials`
    ///   for an unknown user and for a wrong password alike, `ChatError.userDisabled`
    ///   for a disabled user with the right password, `ChatError.banned` (its end and
    ///   reason) for a banned one.
    public func callAsFunction(username: String?, password: String?) async throws -> Result {
        try await callAsFunction(username: username, password: password, address: nil)
    }

    /// Logs in a client at `address` (its IP, for the failed-login limit).
    /// - Throws: also `ChatError.tooManyRequests` (429) once the username or the address
    ///   has too many recent failures; then no password is checked.
    public func callAsFunction(username: String?, password: String?, address: String?) async throws -> Result {
        guard let username, !username.isEmpty else { throw ChatError.required("username") }
        guard let password, !password.isEmpty else { throw ChatError.required("password") }
        try await throttle?.admit(username: username, address: address)
        let user: User
        do {
            user = try await verifiedUser(username: username, password: password)
        } catch let error as ChatError where error.kind == .invalidCredentials {
            if let throttle {
                let pause = await throttle.recordFailure(username: username, address: address)
                if pause > .zero { try? await Task.sleep(for: pause) }
            }
            throw error
        }
        await throttle?.recordSuccess(username: username)
        // Only after the password matched, so the answer tells nothing to a guesser.
        switch user.standing() {
        case .active: break
        case .disabled: throw ChatError.userDisabled
        case .banned(let ban): throw ChatError.banned(ban)
        }
        let token = try await ports.tokens.issue(for: user)
        return Result(user: user, token: token)
    }

    private func verifiedUser(username: String, password: String) async throws -> User {
        guard let user = try await ports.store.user(named: username) else {
            // Spend the same time as a real check so that timing does not tell
            // whether the username exists.
            _ = try? await ports.hasher.verify(password, against: LogIn.timingDecoyHash)
            throw ChatError.invalidCredentials
        }
        guard try await ports.hasher.verify(password, against: user.passwordHash) else {
            throw ChatError.invalidCredentials
        }
        return user
    }

    /// A cost-10 bcrypt hash of a random string nobody knows.
    static let timingDecoyHash = "$2a$10$PKhByZrU.WbMGisyiQGG/OM6AAax7fW3eoZd/ilK/3vumCpR7Q9JC"
}
