import Foundation

/// The refusals of an operator's announcement as a member (`chatctl post --as`,
/// `PostMessage.announce`): the one place their wording lives. Each names the user (and
/// the room), and the field at fault is `as`.
extension ChatError {
    /// No user has this id.
    public static func announcerNotFound(_ id: ObjectID) -> ChatError {
        ChatError(.notFound, field: "as", message: "user \(id.hex) does not exist")
    }

    /// The user is not a member of the room it would post in.
    public static func announcerNotMember(_ user: User, of room: Room) -> ChatError {
        ChatError(.forbidden, field: "as", message: "user \(user.username) is not a member of room \(room.name)")
    }

    /// A disabled user posts nowhere, an operator's announcement included.
    public static func announcerDisabled(_ user: User) -> ChatError {
        ChatError(.forbidden, field: "as", message: "user \(user.username) is disabled: an announcement cannot come from it")
    }

    /// A banned user posts nowhere until its ban ends (`banned until …: reason`).
    public static func announcerBanned(_ user: User, _ ban: Ban) -> ChatError {
        ChatError(.forbidden, field: "as", message: "user \(user.username) is \(ban.explanation): an announcement cannot come from it")
    }

    /// A user muted in the room: lift the mute first (`rooms unmute`).
    public static func announcerMuted(_ user: User, in room: Room, until: Date?) -> ChatError {
        let end = until.map { " until \(RFC3339.string(from: $0))" } ?? ""
        return ChatError(
            .forbidden, field: "as", message: "user \(user.username) is muted in room \(room.name)\(end): an announcement cannot come from it")
    }

    /// The room an announcement names does not exist (the operator API names rooms by id).
    public static func announcementRoomNotFound(_ id: ObjectID) -> ChatError {
        ChatError(.notFound, field: "room", message: "room \(id.hex) does not exist")
    }
}
