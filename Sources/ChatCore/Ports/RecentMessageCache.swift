/// What a cache lookup found.
public enum CacheLookup: Sendable, Equatable {
    /// The cached recent messages, newest first.
    case hit([Message])
    /// Nothing cached. Pass `fillToken` to `fill` so that a fill racing with a newer
    /// `append` is dropped instead of caching a stale list.
    case miss(fillToken: UInt64)
}

/// The recent messages of each room, kept so that a join reads one key.
///
/// The cache is disposable: every method swallows its own failures (logging them),
/// and a missing or wrong entry is rebuilt from the store.
public protocol RecentMessageCache: Sendable {
    /// The cached recent messages of a room, or a miss.
    func lookup(room roomID: ObjectID) async -> CacheLookup
    /// Caches a room's recent messages (newest first) read from the store after a miss,
    /// unless the room changed since the miss that produced `fillToken`.
    func fill(room roomID: ObjectID, messages: [Message], fillToken: UInt64) async
    /// Adds a just-stored message at the front of its room's list, trimmed to capacity.
    func append(_ message: Message) async
    /// Drops a room's entry, and the Go chat service's entry for the room (by `name`;
    /// empty when unknown, then only chatctl's entry goes), so clients of either service
    /// read the change from the store.
    func invalidate(room roomID: ObjectID, name: String) async
}
