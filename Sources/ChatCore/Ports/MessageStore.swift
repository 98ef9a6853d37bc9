/// Where messages live.
public protocol MessageStore: Sendable {
    /// Stores a message; once this returns, the message survives a crash.
    func insertMessage(_ message: Message) async throws
    /// Stores messages in one write (one transaction / one `insertMany`): all or none
    /// are reported stored.
    func insertMessages(_ messages: [Message]) async throws
    /// The `limit` most recent messages of a room, newest first.
    func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message]
}
