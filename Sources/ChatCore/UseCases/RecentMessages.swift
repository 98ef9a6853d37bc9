/// The recent messages of a room, newest first: from the cache, or from the store
/// (filling the cache) on a miss.
///
/// With `ChatPorts.verifyCachedHistory` a hit is served only if its newest message is
/// still the store's newest (one indexed read): another writer (the Go chat service)
/// stores messages without touching this cache, and a stale entry is dropped and
/// rebuilt instead of hiding them.
public struct RecentMessages: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    public func callAsFunction(room roomID: ObjectID) async throws -> [Message] {
        var lookup = await ChatMetrics.time(ports.metrics.cacheLookup, { await ports.cache.lookup(room: roomID) })
        if case .hit(let cached) = lookup, ports.verifyCachedHistory,
            try await ports.store.newestMessageID(inRoom: roomID) != cached.first?.id
        {
            ports.metrics.cacheStale.increment()
            await ports.cache.invalidate(room: roomID, name: cached.first?.roomName ?? "")
            lookup = await ports.cache.lookup(room: roomID)
        }
        switch lookup {
        case .hit(let messages):
            return messages
        case .miss(let fillToken):
            let messages = try await ChatMetrics.time(ports.metrics.storeRecentRead) {
                try await ports.store.recentMessages(inRoom: roomID, limit: InputRules.recentMessageCount)
            }
            await ports.cache.fill(room: roomID, messages: messages, fillToken: fillToken)
            return messages
        }
    }
}
