/// Where messages live.
public protocol MessageStore: Sendable {
    /// Stores a message; once this returns, the message survives a crash.
    func insertMessage(_ message: Message) async throws
    /// The `limit` most recent messages of a room, newest first.
    func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message]
}
