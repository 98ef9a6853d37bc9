import Logging

/// What an operator does to accounts (`chatctl users …`): the same rules as sign-up,
/// and every change that must end a user's sessions records a `SessionEnd`, which
/// every running node reads to close that user's live sockets (code 1008).
public struct UserAdministration: Sendable {
    let store: any ChatStore
    let hasher: any PasswordHasher
    let logger: Logger

    public init(ports: ChatPorts) { self.init(store: ports.store, hasher: ports.hasher, logger: ports.logger) }

    /// Only what administration needs (a CLI process has no token key).
    public init(store: any ChatStore, hasher: any PasswordHasher, logger: Logger) {
        self.store = store
        self.hasher = hasher
        self.logger = logger
    }

    /// Reasons sent as the WebSocket close reason.
    public enum EndReason {
        public static let disabled = "user disabled"
        public static let deleted = "user deleted"
        public static let passwordChanged = "password changed"
    }

    /// The user with this username.
    /// - Throws: `ChatError.userNotFound`.
    public func user(named username: String) async throws -> User {
        guard let user = try await store.user(named: username) else { throw ChatError.userNotFound }
        return user
    }

    /// Replaces the password (same length rules as sign-up) and closes live sockets.
    public func setPassword(username: String, password: String?) async throws -> User {
        let password = try InputRules.validateNewPassword(password)
        let user = try await user(named: username)
        let hash = try await hasher.hash(password)
        guard try await store.setPasswordHash(hash, forUser: user.id) else { throw ChatError.userNotFound }
        try await endSessions(of: user, reason: EndReason.passwordChanged)
        logger.info("password changed", metadata: ["user": "\(username)", "user_id": "\(user.id)"])
        return user
    }

    /// Disables (refused at login, tokens refused, live sockets closed) or enables a user.
    /// Returns the user as it is now; doing it twice is not an error.
    public func setDisabled(_ disabled: Bool, username: String) async throws -> User {
        var user = try await user(named: username)
        guard try await store.setDisabled(disabled, forUser: user.id) else { throw ChatError.userNotFound }
        user.disabled = disabled
        if disabled { try await endSessions(of: user, reason: EndReason.disabled) }
        logger.info(disabled ? "user disabled" : "user enabled", metadata: ["user": "\(username)", "user_id": "\(user.id)"])
        return user
    }

    /// Deletes the user (and its room memberships) and closes its live sockets.
    public func delete(username: String) async throws -> User {
        let user = try await user(named: username)
        guard try await store.deleteUser(id: user.id) else { throw ChatError.userNotFound }
        try await endSessions(of: user, reason: EndReason.deleted)
        logger.info("user deleted", metadata: ["user": "\(username)", "user_id": "\(user.id)"])
        return user
    }

    private func endSessions(of user: User, reason: String) async throws {
        try await store.recordSessionEnd(SessionEnd(userID: user.id, reason: reason))
    }
}
