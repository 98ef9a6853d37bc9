/// A message found by id alone, and where it was.
public struct LocatedMessage: Sendable, Equatable {
    /// Which collection holds the message.
    public enum Place: String, Sendable, Codable {
        /// `messages`: the room's history (a message half-way through archiving is found here).
        case live
        /// `archived_messages` only.
        case archived
    }

    public var message: Message
    public var place: Place

    public init(message: Message, place: Place) {
        self.message = message
        self.place = place
    }
}

/// What moderation changes in the store beyond deleting by id (`ArchiveStore`): single
/// messages wherever they are, their redaction, and the notifications that copied their
/// content. Every step is idempotent, so a moderation that failed half-way is finished
/// by running it again.
public protocol ModerationStore: Sendable {
    /// A message by id: from `messages`, else from `archived_messages` (its sender name
    /// may then be empty); nil when it is in neither.
    func locateMessage(id: ObjectID) async throws -> LocatedMessage?
    /// Empties the content of these messages and sets their `redaction`, in `messages`
    /// and `archived_messages` alike; a copy already redacted keeps its first redaction.
    /// Returns how many copies changed.
    func redactMessages(ids: [ObjectID], redaction: Redaction) async throws -> Int
    /// Empties the content of these notifications; returns how many changed.
    func redactNotifications(ids: [ObjectID]) async throws -> Int
    /// Empties the content of every notification of a message `sender` wrote, whoever
    /// received it and whoever stored it (the Go notification service too); returns how
    /// many changed. A scan of the notifications (no index by sender): for erasing a user.
    func redactNotifications(sentBy sender: ObjectID) async throws -> Int
    /// Deletes these notifications; returns how many were there.
    func deleteNotifications(ids: [ObjectID]) async throws -> Int
    /// One sender's messages that `query` matches, from `messages` (`.live`) or from
    /// `archived_messages` (`.archived`), oldest first (by time, then id), at most `limit`,
    /// with their room's name (sender names may be empty). Indexed by sender and time.
    func messages(matching query: SenderMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message]
    /// How many messages `query` matches in `messages` (`.live`) or `archived_messages`.
    func countMessages(matching query: SenderMessageQuery, in place: LocatedMessage.Place) async throws -> Int
}
