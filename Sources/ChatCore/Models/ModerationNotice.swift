import Foundation

/// "These messages of this room were deleted (or redacted)", or "this room's rules or
/// mutes changed": recorded in the store by whoever moderates (`chatctl messages …`,
/// `rooms set|mute|unmute`, in a shell) and read by every chat node, which drops its
/// cached history of the room and tells the room's live sockets with one frame per
/// message, or reloads the room's rules (`RoomRuleCache`).
public struct ModerationNotice: Sendable, Equatable {
    /// What happened. For a message kind the raw value is the `type` of the frame a
    /// room's sockets get (`{"type":"deleted","id":…}`); a new kind of moderation frame is
    /// a new case here, and nodes skip notices of a kind they do not know.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The message is gone: from the room's history and from the archive.
        case deleted
        /// The message keeps its place; its content is gone.
        case redacted
        /// The room's rules, moderators or mutes changed (no message, no frame): each node
        /// reloads them.
        case rulesChanged = "rules_changed"

        /// Whether the room's sockets get a frame per message of the notice.
        public var framesMessages: Bool { self != .rulesChanged }
    }

    public var id: ObjectID
    public var kind: Kind
    public var roomID: ObjectID
    /// The room's name (empty when unknown): nodes drop the Go service's cached history
    /// of the room too, which is kept by name.
    public var roomName: String
    /// The messages concerned: one, or a batch told at once (none for `rulesChanged`).
    public var messageIDs: [ObjectID]
    public var at: Date

    public init(id: ObjectID = ObjectID(), kind: Kind, roomID: ObjectID, roomName: String, messageIDs: [ObjectID], at: Date = Date()) {
        self.id = id
        self.kind = kind
        self.roomID = roomID
        self.roomName = roomName
        self.messageIDs = messageIDs
        self.at = at.truncatedToMilliseconds
    }
}
