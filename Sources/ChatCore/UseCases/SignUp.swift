import Logging

/// Registers a user: validates the fields, hashes the password, stores the user.
public struct SignUp: Sendable {
    let store: any UserStore
    let hasher: any PasswordHasher
    let logger: Logger

    public init(ports: ChatPorts) { self.init(store: ports.store, hasher: ports.hasher, logger: ports.logger) }

    /// Only what signing up needs (`chatctl users create` has no token key).
    public init(store: any UserStore, hasher: any PasswordHasher, logger: Logger) {
        self.store = store
        self.hasher = hasher
        self.logger = logger
    }

    /// - Throws: `ChatError` naming the bad field, or `usernameTaken` / `emailTaken`.
    public func callAsFunction(username: String?, email: String?, password: String?) async throws -> User {
        let username = try InputRules.validateUsername(username)
        let email = try InputRules.validateEmail(email)
        let password = try InputRules.validateNewPassword(password)
        let hash = try await hasher.hash(password)
        let user = User(username: username, email: email, passwordHash: hash)
        try await store.insertUser(user)
        logger.info("user signed up", metadata: ["user": "\(username)", "user_id": "\(user.id)"])
        return user
    }
}
