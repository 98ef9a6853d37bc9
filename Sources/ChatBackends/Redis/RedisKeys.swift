import ChatCore

/// Every Redis key chatctl uses, in one place (prefix `chatctl:`), and the one key of
/// the Go chat service it keeps true.
enum RedisKeys {
    /// The Go chat service's cached history of a room, by room name (a JSON string of
    /// `[{type, content}]`); the Go service deletes it whenever it stores a message, and
    /// so does chatctl, whenever it changes a room's history.
    static func goRecentMessages(_ roomName: String) -> String { "cache:recentMessages:\(roomName)" }

    static let prefix = "chatctl:"

    /// The room's recent messages, newest first, ending with `recentEnd` (a list).
    static func recent(_ room: ObjectID) -> String { "\(prefix)recent:\(room.hex)" }
    /// Bumped by every append and invalidate of the room's cache (an integer).
    static func recentGeneration(_ room: ObjectID) -> String { "\(prefix)recent-gen:\(room.hex)" }
    /// A revoked token, by its signature (a string with a TTL).
    static func revoked(_ signature: Substring) -> String { "\(prefix)revoked:\(signature)" }
    /// A serving process's registry record, by node id (a JSON string with a TTL); `*` matches them all.
    static func node(_ id: String) -> String { "\(prefix)node:\(id)" }
}
