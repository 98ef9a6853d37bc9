import ChatCore
import Foundation

/// A room's messages in time order and messages written back by id, in memory.
extension MemoryChatStore {
    /// Sender names as the store knows them now: empty for a sender who is no user any more
    /// (as the SQLite and MongoDB stores join them).
    public func roomMessages(matching query: RoomMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message] {
        let candidates: [Message]
        switch place {
        case .live: candidates = messagesByRoom[query.room] ?? []
        case .archived: candidates = archived.values.filter { $0.roomID == query.room }
        }
        let matching = candidates.filter { query.matches($0) }.sorted { MessagePosition($0) < MessagePosition($1) }
        return matching.prefix(limit).map { message in
            var named = withNames(message)
            named.senderName = usersByID[message.senderID]?.username ?? ""
            return named
        }
    }

    /// The numbers a batch can keep first (raising the room's counter past them), then the
    /// others from the counter.
    public func importMessages(_ messages: [Message]) async throws -> Int {
        var seen = Set<ObjectID>()
        var fresh: [Message] = []
        for message in messages where seen.insert(message.id).inserted {
            guard archived[message.id] == nil, !messagesByRoom.values.contains(where: { $0.contains { $0.id == message.id } }) else { continue }
            fresh.append(message)
        }
        var unnumbered: [Message] = []
        for var message in fresh {
            message.clientID = nil
            let taken =
                (messagesByRoom[message.roomID] ?? []).contains { $0.sequence == message.sequence }
                || archived.values.contains { $0.roomID == message.roomID && $0.sequence == message.sequence }
            if message.sequence > 0, !taken {
                append(message)
                raiseSequence(inRoom: message.roomID, to: message.sequence)
            } else {
                unnumbered.append(message)
            }
        }
        for var message in unnumbered {
            message.sequence = takeSequence(inRoom: message.roomID)
            append(message)
        }
        return fresh.count
    }

    /// Into its room's history, kept in sequence order.
    private func append(_ message: Message) {
        messagesByRoom[message.roomID, default: []].append(message)
        messagesByRoom[message.roomID]!.sort { ($0.sequence, $0.timestamp) < ($1.sequence, $1.timestamp) }
    }
}
