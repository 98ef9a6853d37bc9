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

/// Messages of one room in `messages` or in `archived_messages` older than a cut-off:
/// what archiving or retention takes next (`chatctl archive plan`, and the count again
/// after every run). Oldest and newest are in (timestamp, id) order.
public struct AgedMessages: Sendable, Equatable, Codable {
    public var roomID: ObjectID
    public var count: Int
    public var oldest: Date
    public var newest: Date
    public var oldestID: ObjectID
    public var newestID: ObjectID

    public init(roomID: ObjectID, count: Int, oldest: Date, newest: Date, oldestID: ObjectID, newestID: ObjectID) {
        self.roomID = roomID
        self.count = count
        self.oldest = oldest
        self.newest = newest
        self.oldestID = oldestID
        self.newestID = newestID
    }

    /// One message of `roomID`.
    public init(roomID: ObjectID, id: ObjectID, timestamp: Date) {
        self.init(roomID: roomID, count: 1, oldest: timestamp, newest: timestamp, oldestID: id, newestID: id)
    }

    /// Both sets counted together (the same room): the oldest of both, the newest of both.
    public func adding(_ other: AgedMessages) -> AgedMessages {
        var sum = self
        sum.count += other.count
        if (other.oldest, other.oldestID.hex) < (oldest, oldestID.hex) {
            sum.oldest = other.oldest
            sum.oldestID = other.oldestID
        }
        if (other.newest, other.newestID.hex) > (newest, newestID.hex) {
            sum.newest = other.newest
            sum.newestID = other.newestID
        }
        return sum
    }

    /// `adding` for summaries that may be absent.
    public static func sum(_ first: AgedMessages?, _ second: AgedMessages?) -> AgedMessages? {
        guard let first else { return second }
        guard let second else { return first }
        return first.adding(second)
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
    /// Per room (all rooms, or one): messages of `messages` (`.live`) or of
    /// `archived_messages` (`.archived`) with a `timestamp` before `cutoff` — count, oldest
    /// and newest — ordered by room id; rooms with none are left out. Also rooms that no
    /// longer exist (their messages stay when a room is deleted).
    func agedMessages(in place: LocatedMessage.Place, olderThan cutoff: Date, room: ObjectID?) async throws -> [AgedMessages]
}
