/// A room's history read out in time order and written back by id (`chatctl rooms
/// export|import`), on live and archived messages alike.
public protocol MessageTransferStore: Sendable {
    /// The room's messages `query` matches, from `messages` (`.live`) or from
    /// `archived_messages` (`.archived`), oldest first (by time, then id), at most `limit`,
    /// with their room's and sender's names (empty for a sender who is no user any more).
    /// Indexed by room and time, so paging with `query.after` reads each page only.
    func roomMessages(matching query: RoomMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message]
    /// Stores, in the rooms' history (`messages`), each message whose id is in neither
    /// `messages` nor `archived_messages` (nor earlier in `messages` itself), as it is: its
    /// id, room, sender, content, time and redaction. Its `sequence` is kept when it is
    /// above 0 and no other message of its room has that number, else it takes the room's
    /// next number; the room's counter moves past every number kept (never back), so later
    /// posts are numbered after them. One write (one transaction; on MongoDB, the room's
    /// counter first, then one unordered `insertMany`), so a batch is in or out as a whole
    /// and a rerun skips what is in. Returns how many were stored.
    func importMessages(_ messages: [Message]) async throws -> Int
}
