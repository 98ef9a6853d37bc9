/// Hands on each room's messages once and in sequence order, fetching from the store
/// whatever the transport lost (Redis pub/sub is at-most-once).
///
/// A message whose sequence number jumps past the last one delivered for its room
/// brings the missing ones from the store first; one at or below it is a duplicate and
/// is dropped; after a resubscription `catchUp()` fetches everything stored since.
/// Messages without a sequence number (0) pass straight through.
public actor RoomSequencer {
    private let store: any MessageStore
    private var delivered: [ObjectID: Int64] = [:]
    /// Messages fetched from the store to fill gaps (for metrics and tests).
    public private(set) var repairedCount = 0

    public init(store: any MessageStore) { self.store = store }

    /// What to deliver, in order, now that `message` arrived.
    public func accept(_ message: Message) async -> [Message] {
        guard message.sequence > 0 else { return [message] }
        let room = message.roomID
        guard let last = delivered[room] else {
            delivered[room] = message.sequence
            return [message]
        }
        if message.sequence <= last { return [] }
        if message.sequence == last + 1 {
            delivered[room] = message.sequence
            return [message]
        }
        let missing = (try? await store.messages(inRoom: room, afterSequence: last, limit: Int(message.sequence - last - 1))) ?? []
        let fresh = take(missing + [message], room: room)
        repairedCount += fresh.filter { $0.id != message.id }.count
        return fresh
    }

    /// Everything stored after what was delivered, for every room seen (after a
    /// resubscription, when anything may have been missed).
    public func catchUp(limitPerRoom: Int = 10_000) async -> [Message] {
        var result: [Message] = []
        for (room, last) in delivered {
            let missing = (try? await store.messages(inRoom: room, afterSequence: last, limit: limitPerRoom)) ?? []
            let fresh = take(missing, room: room)
            repairedCount += fresh.count
            result += fresh
        }
        return result
    }

    /// Keeps the messages above what was delivered (re-read after any suspension),
    /// in order and once, and records the new high-water mark.
    private func take(_ candidates: [Message], room: ObjectID) -> [Message] {
        let current = delivered[room] ?? 0
        var seen = Set<Int64>()
        let fresh = candidates.filter { $0.sequence > current && seen.insert($0.sequence).inserted }.sorted { $0.sequence < $1.sequence }
        if let highest = fresh.last?.sequence { delivered[room] = highest }
        return fresh
    }
}
