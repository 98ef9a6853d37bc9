import ChatCore
import Synchronization

/// The recent-messages cache in process memory: a capped list per room.
public final class MemoryRecentCache: RecentMessageCache {
    private struct Entry {
        /// Newest first, at most `capacity`.
        var messages: [Message]?
        /// Bumped by every append and invalidate, so a fill from an older miss is dropped.
        var generation: UInt64 = 0
    }

    private let capacity: Int
    private let entries = Mutex<[ObjectID: Entry]>([:])

    public init(capacity: Int = InputRules.recentMessageCount) {
        self.capacity = capacity
    }

    public func lookup(room roomID: ObjectID) async -> CacheLookup {
        entries.withLock { entries in
            let entry = entries[roomID] ?? Entry()
            if let messages = entry.messages { return .hit(messages) }
            return .miss(fillToken: entry.generation)
        }
    }

    public func fill(room roomID: ObjectID, messages: [Message], fillToken: UInt64) async {
        let capacity = self.capacity
        entries.withLock { entries in
            var entry = entries[roomID] ?? Entry()
            guard entry.messages == nil, entry.generation == fillToken else { return }
            entry.messages = Array(messages.prefix(capacity))
            entries[roomID] = entry
        }
    }

    public func append(_ message: Message) async {
        let capacity = self.capacity
        entries.withLock { entries in
            var entry = entries[message.roomID] ?? Entry()
            entry.generation &+= 1
            if var messages = entry.messages {
                messages.insert(message, at: 0)
                if messages.count > capacity { messages.removeLast(messages.count - capacity) }
                entry.messages = messages
            }
            entries[message.roomID] = entry
        }
    }

    public func invalidate(room roomID: ObjectID, name: String) async {
        entries.withLock { entries in
            var entry = entries[roomID] ?? Entry()
            entry.generation &+= 1
            entry.messages = nil
            entries[roomID] = entry
        }
    }
}
