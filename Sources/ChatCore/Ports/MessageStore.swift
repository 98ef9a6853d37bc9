/// Where messages live.
public protocol MessageStore: Sendable {
    /// Stores messages in one write (one transaction / one `insertMany`), giving each
    /// the next sequence number of its room; all or none are stored. Returns the
    /// messages as stored (with `sequence` set), in the order given.
    func insertMessages(_ messages: [Message]) async throws -> [Message]
    /// The `limit` most recent messages of a room, newest first.
    func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message]
    /// A room's messages with a sequence number above `sequence`, oldest first (gap repair).
    func messages(inRoom roomID: ObjectID, afterSequence sequence: Int64, limit: Int) async throws -> [Message]
}

extension MessageStore {
    /// Stores one message; returns it with its sequence number.
    @discardableResult
    public func insertMessage(_ message: Message) async throws -> Message {
        try await insertMessages([message])[0]
    }
}
