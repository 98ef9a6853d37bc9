import ChatCore
import ChatRuntime

/// Users on the command line (a username, or a 24-character hex id) ↔ the store.
enum UserLookup {
    static func user(_ nameOrID: String, in store: any ChatStore) async throws -> User {
        if let user = try await store.user(named: nameOrID) { return user }
        if let id = ObjectID(hex: nameOrID), let user = try await store.user(id: id) { return user }
        throw RuntimeError("user '\(nameOrID)' does not exist (chatctl users list shows them)")
    }

    /// One user as `users list|show --json` print it (never the password hash).
    struct Row: Encodable {
        var id: String
        var username: String
        var email: String
        var createdAt: String
        var disabled: Bool
        /// `active`, `disabled` or `banned`, now.
        var status: String
        /// The latest ban, also one that ended (absent when never banned).
        var ban: RestrictionText.BanRow?

        init(_ user: User) {
            id = user.id.hex
            username = user.username
            email = user.email
            createdAt = RFC3339.string(from: user.createdAt)
            disabled = user.disabled
            status = RestrictionText.status(user)
            ban = user.ban.map { RestrictionText.BanRow($0) }
        }
    }
}
