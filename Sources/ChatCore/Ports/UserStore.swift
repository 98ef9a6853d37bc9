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
    /// Users ordered by username; `search` keeps those whose username or email contains
    /// it (case-insensitive). At most `limit`.
    func users(matching search: String?, limit: Int) async throws -> [User]
    /// Replaces a user's password hash; false when there is no such user.
    func setPasswordHash(_ hash: String, forUser id: ObjectID) async throws -> Bool
    /// Marks a user disabled or enabled; false when there is no such user.
    func setDisabled(_ disabled: Bool, forUser id: ObjectID) async throws -> Bool
    /// Deletes a user, takes it out of every room's members and deletes the
    /// notifications it received; false when there was no such user. Its messages stay
    /// (room history keeps their sender id).
    func deleteUser(id: ObjectID) async throws -> Bool
}
