import ChatCore

/// No shared cache to touch: what a one-shot command gets with the embedded default,
/// where each serving process caches in its own memory, out of the command's reach
/// (those caches expire by themselves). Every lookup misses; nothing is kept.
public struct NoRecentCache: RecentMessageCache {
    public init() {}

    public func lookup(room roomID: ObjectID) async -> CacheLookup { .miss(fillToken: 0) }
    public func fill(room roomID: ObjectID, messages: [Message], fillToken: UInt64) async {}
    public func append(_ message: Message) async {}
    public func invalidate(room roomID: ObjectID, name: String) async {}
}
