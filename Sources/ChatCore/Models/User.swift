import Foundation

/// A registered user (`clients` in the Go system's MongoDB layout).
public struct User: Sendable, Hashable, Codable {
    public var id: ObjectID
    public var username: String
    public var email: String
    /// bcrypt hash (`$2a$`/`$2b$`/`$2y$`, cost 10 for new users).
    public var passwordHash: String
    public var createdAt: Date
    /// A disabled user cannot log in and its tokens are refused (`chatctl users disable`).
    /// Stored only when true (`disabled` in MongoDB), so the Go layout is unchanged otherwise.
    public var disabled: Bool
    /// The user's latest ban (`chatctl users ban`), also once it ended (its start keeps
    /// older tokens refused); nil when it was never banned. `standing(at:)` decides.
    public var ban: Ban?

    public init(
        id: ObjectID = ObjectID(), username: String, email: String, passwordHash: String, createdAt: Date = Date(),
        disabled: Bool = false, ban: Ban? = nil
    ) {
        self.id = id
        self.username = username
        self.email = email
        self.passwordHash = passwordHash
        self.createdAt = createdAt.truncatedToMilliseconds
        self.disabled = disabled
        self.ban = ban
    }
}
