extension Message {
    /// The sender of every system message (`chatctl post --system`): `000000000000000000000001`,
    /// an ObjectId of 1970 that no driver makes and no user holds. The Go services read
    /// `sender_id` as any ObjectId, so they load and relay system messages like any other.
    public static let systemSenderID = ObjectID(timestampBits: 0, tailBits: 1)

    /// The name frames and listings give the system sender. No user holds its id, so the
    /// stores' name joins give none: `shownSenderName` puts this one in.
    public static let systemSenderName = "system"

    /// Whether the system posted it (`chatctl post --system`), not a user: its frame says
    /// `"system":true`.
    public var isSystem: Bool { senderID == Self.systemSenderID }

    /// The sender's name as frames and listings show it: `system` for a system message,
    /// whatever a copy of it carries.
    public var shownSenderName: String { isSystem ? Self.systemSenderName : senderName }
}
