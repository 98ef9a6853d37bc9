/// The recent messages of a room, newest first: from the cache, or from the store
/// (filling the cache) on a miss.
public struct RecentMessages: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    public func callAsFunction(room roomID: ObjectID) async throws -> [Message] {
        switch await ChatMetrics.time(ports.metrics.cacheLookup, { await ports.cache.lookup(room: roomID) }) {
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
