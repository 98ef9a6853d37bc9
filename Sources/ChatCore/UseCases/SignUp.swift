/// Registers a user: validates the fields, hashes the password, stores the user.
public struct SignUp: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// - Throws: `ChatError` naming the bad field, or `usernameTaken` / `emailTaken`.
    public func callAsFunction(username: String?, email: String?, password: String?) async throws -> User {
        let username = try InputRules.validateUsername(username)
        let email = try InputRules.validateEmail(email)
        let password = try InputRules.validateNewPassword(password)
        let hash = try await ports.hasher.hash(password)
        let user = User(username: username, email: email, passwordHash: hash)
        try await ports.store.insertUser(user)
        ports.logger.info("user signed up", metadata: ["user": "\(username)", "user_id": "\(user.id)"])
        return user
    }
}
