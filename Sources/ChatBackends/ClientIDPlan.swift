import ChatCore

/// Which messages of a batch are new and which repeat a client id already used (stored
/// before, or earlier in the same batch). The stores find the earlier ones their own way
/// (MongoDB by claims, SQLite by a lookup inside its write transaction) and number only
/// the fresh ones, so a resend takes no sequence number.
struct ClientIDPlan {
    /// A sender's client id.
    struct Key: Hashable {
        var senderID: ObjectID
        var clientID: String

        init?(_ message: Message) {
            guard let clientID = message.clientID else { return nil }
            self.senderID = message.senderID
            self.clientID = clientID
        }
    }

    /// Per message of the batch: the candidate that answers for it.
    private var slots: [Int] = []
    private var earlier: [Key: Message] = [:]
    /// The first message of each client id in the batch (and those without one).
    private(set) var candidates: [Message] = []

    init(_ messages: [Message]) {
        var firstInBatch: [Key: Int] = [:]
        for message in messages {
            let key = Key(message)
            if let key, let first = firstInBatch[key] {
                slots.append(first)
            } else {
                if let key { firstInBatch[key] = candidates.count }
                slots.append(candidates.count)
                candidates.append(message)
            }
        }
    }

    /// Candidates whose client id turned out to be stored already.
    mutating func markEarlier(_ found: [Key: Message]) {
        earlier = found
    }

    /// The candidates to insert, in order.
    var fresh: [Message] {
        candidates.filter { message in Key(message).map { earlier[$0] == nil } ?? true }
    }

    /// The batch's result in its order, given the fresh messages as stored (same order as `fresh`).
    func assemble(stored: [Message]) -> [Message] {
        var storedByID: [ObjectID: Message] = [:]
        for message in stored { storedByID[message.id] = message }
        func resolve(_ candidate: Message) -> Message {
            if let key = Key(candidate), let found = earlier[key] { return found }
            return storedByID[candidate.id] ?? candidate
        }
        return slots.map { resolve(candidates[$0]) }
    }
}
