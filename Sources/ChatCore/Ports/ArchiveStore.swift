import Foundation

/// Old messages of one room, as the archive report and a dry run show them.
public struct OldMessageSummary: Sendable, Equatable, Codable {
    public var roomID: ObjectID
    public var count: Int
    /// UTF-8 bytes of the contents (what archiving would move).
    public var bytes: Int
    public var oldest: Date

    public init(roomID: ObjectID, count: Int, bytes: Int, oldest: Date) {
        self.roomID = roomID
        self.count = count
        self.bytes = bytes
        self.oldest = oldest
    }
}

/// Moving messages between `messages` and `archived_messages` (same layout).
///
/// Every step is idempotent so that archiving can be made exactly-once by ordering
/// them: copy (a message already archived is kept as it is), then delete from the
/// source. A crash between the two leaves a message in both; the rerun copies nothing
/// new and deletes it.
public protocol ArchiveStore: Sendable {
    /// Per room: messages older than `cutoff` (all rooms, or one).
    func oldMessageSummary(olderThan cutoff: Date, room: ObjectID?) async throws -> [OldMessageSummary]
    /// Messages older than `cutoff`, at most `limit`, oldest first (on SQLite across
    /// rooms: in stored order, where a restored message comes after newer ones), with
    /// their room's name (sender names are left empty).
    func oldMessages(olderThan cutoff: Date, room: ObjectID?, limit: Int) async throws -> [Message]
    /// Copies into `archived_messages`; ids already there are skipped.
    func copyToArchive(_ messages: [Message]) async throws
    /// Deletes from `messages`; returns how many were there.
    func deleteMessages(ids: [ObjectID]) async throws -> Int
    /// Archived messages (all rooms or one) in a time range, oldest first, at most `limit`,
    /// with their room's name (sender names are left empty).
    func archivedMessages(room: ObjectID?, from: Date?, to: Date?, limit: Int) async throws -> [Message]
    /// Copies back into `messages`; ids already there are skipped.
    func copyFromArchive(_ messages: [Message]) async throws
    /// Deletes from `archived_messages`; returns how many were there.
    func deleteArchived(ids: [ObjectID]) async throws -> Int
    /// Counts (all rooms or one) in `messages` and in `archived_messages`.
    func messageCounts(room: ObjectID?) async throws -> (live: Int, archived: Int)
}
