import ChatCore

/// Every Redis key chatctl uses, in one place (prefix `chatctl:`).
enum RedisKeys {
    static let prefix = "chatctl:"

    /// The room's recent messages, newest first, ending with `recentEnd` (a list).
    static func recent(_ room: ObjectID) -> String { "\(prefix)recent:\(room.hex)" }
    /// Bumped by every append and invalidate of the room's cache (an integer).
    static func recentGeneration(_ room: ObjectID) -> String { "\(prefix)recent-gen:\(room.hex)" }
    /// A revoked token, by its signature (a string with a TTL).
    static func revoked(_ signature: Substring) -> String { "\(prefix)revoked:\(signature)" }
}
