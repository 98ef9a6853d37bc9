/// Where users live. Uniqueness of username and email is the store's job
/// (a unique index, not check-then-insert), reported as `ChatError.usernameTaken`
/// or `ChatError.emailTaken`.
public protocol UserStore: Sendable {
    /// Inserts a new user; throws `usernameTaken` / `emailTaken` on a duplicate.
    func insertUser(_ user: User) async throws
    /// The user with exactly this username, if any.
    func user(named username: String) async throws -> User?
    /// The user with this id, if any.
    func user(id: ObjectID) async throws -> User?
}
