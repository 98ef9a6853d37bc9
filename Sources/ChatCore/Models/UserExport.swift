import Foundation

/// The pieces of `chatctl users export`'s document (`ExportUserData`), each written as one
/// JSON object with snake_case keys and RFC 3339 times. What moderators keep for
/// themselves (who redacted, muted or banned, a mute's reason) is left out; a ban's reason
/// is in, as a refused login tells it to the user.
public enum UserExport {
    /// The account, without its password hash.
    public struct Profile: Sendable, Equatable, Codable {
        public var id: ObjectID
        public var username: String
        public var email: String
        public var createdAt: String
        public var disabled: Bool

        public init(_ user: User) {
            id = user.id
            username = user.username
            email = user.email
            createdAt = RFC3339.string(from: user.createdAt)
            disabled = user.disabled
        }

        enum CodingKeys: String, CodingKey {
            case id, username, email
            case createdAt = "created_at"
            case disabled
        }
    }

    /// A room the user is a member of.
    public struct Membership: Sendable, Equatable, Codable {
        public var roomID: ObjectID
        public var room: String
        /// Whether the user is one of the room's moderators.
        public var moderator: Bool

        public init(_ room: Room, user: ObjectID) {
            roomID = room.id
            self.room = room.name
            moderator = room.rules.moderators.contains(user)
        }

        enum CodingKeys: String, CodingKey {
            case roomID = "room_id"
            case room, moderator
        }
    }

    /// A message the user sent, from the rooms' history or the archive.
    public struct SentMessage: Sendable, Equatable, Codable {
        public var id: ObjectID
        public var roomID: ObjectID
        /// The room's name (empty when the room is gone).
        public var room: String
        /// Its number in the room; nil when it has none.
        public var seq: Int64?
        /// Empty for a redacted message.
        public var content: String
        public var timestamp: String
        public var redacted: Bool

        public init(_ message: Message) {
            id = message.id
            roomID = message.roomID
            room = message.roomName
            seq = message.sequence > 0 ? message.sequence : nil
            content = message.isRedacted ? "" : message.content
            timestamp = RFC3339.string(from: message.timestamp)
            redacted = message.isRedacted
        }

        enum CodingKeys: String, CodingKey {
            case id
            case roomID = "room_id"
            case room, seq, content, timestamp, redacted
        }
    }

    /// A notification the user received.
    public struct ReceivedNotification: Sendable, Equatable, Codable {
        public var id: ObjectID
        public var roomID: ObjectID
        public var senderID: ObjectID
        public var content: String
        public var seen: Bool
        public var timestamp: String

        public init(_ notification: ChatNotification) {
            id = notification.id
            roomID = notification.roomID
            senderID = notification.senderID
            content = notification.content
            seen = notification.seen
            timestamp = RFC3339.string(from: notification.timestamp)
        }

        enum CodingKeys: String, CodingKey {
            case id
            case roomID = "room_id"
            case senderID = "sender_id"
            case content, seen, timestamp
        }
    }

    /// The user's latest ban, also one that ended.
    public struct BanRecord: Sendable, Equatable, Codable {
        public var at: String
        /// nil: until lifted.
        public var until: String?
        public var reason: String?
        /// Whether it holds at the time of the export.
        public var active: Bool

        public init(_ ban: Ban, now: Date) {
            at = RFC3339.string(from: ban.at)
            until = ban.until.map(RFC3339.string(from:))
            reason = ban.reason
            active = ban.isActive(at: now)
        }
    }

    /// A mute of the user that holds.
    public struct Mute: Sendable, Equatable, Codable {
        public var roomID: ObjectID
        /// The room's name (empty when the room is gone).
        public var room: String
        public var at: String
        /// nil: until lifted.
        public var until: String?

        public init(_ mute: RoomMute, room: String) {
            roomID = mute.roomID
            self.room = room
            at = RFC3339.string(from: mute.at)
            until = mute.until.map(RFC3339.string(from:))
        }

        enum CodingKeys: String, CodingKey {
            case roomID = "room_id"
            case room, at, until
        }
    }
}
