import Foundation

/// A user muted in one room (`chatctl rooms mute`): it still joins and reads the room,
/// but its posts there are refused with an error frame until the mute ends (`until`) or
/// is lifted (`rooms unmute`). A mute with an end needs no job to lift it: every check
/// compares the end with the time.
public struct RoomMute: Sendable, Hashable {
    public var roomID: ObjectID
    public var userID: ObjectID
    /// When the mute ends by itself; nil: when it is lifted.
    public var until: Date?
    /// The moderator's reason (shown to operators, never to clients).
    public var reason: String?
    /// Who muted: an operator as `user@host`.
    public var by: String
    /// When the mute began.
    public var at: Date

    public init(roomID: ObjectID, userID: ObjectID, until: Date? = nil, reason: String? = nil, by: String, at: Date = Date()) {
        self.roomID = roomID
        self.userID = userID
        self.until = until?.truncatedToMilliseconds
        self.reason = reason
        self.by = by
        self.at = at.truncatedToMilliseconds
    }

    /// Whether the mute holds at `now`.
    public func isActive(at now: Date) -> Bool {
        until.map { $0 > now } ?? true
    }
}
