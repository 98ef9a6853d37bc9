/// Where messages live.
public protocol MessageStore: Sendable {
    /// Stores messages in one write (one transaction / one `insertMany`), giving each
    /// the next sequence number of its room; all or none are stored. Returns the
    /// messages as stored (with `sequence` set), in the order given.
    ///
    /// Numbers come from the room's counter, which only moves forward: a number is never
    /// given twice, even once the message that had it is deleted or archived (a chat node
    /// that delivered it drops a later message carrying it as a repeat).
    ///
    /// A message with a `clientID` that its sender already used within `ClientIDWindow`
    /// is not stored again: its place in the result holds that earlier message (another
    /// `id`), which is how callers tell a repeat from a new message.
    func insertMessages(_ messages: [Message]) async throws -> [Message]
    /// One message of a room by id (nil when it is not, or no longer, in the room's history).
    func message(id: ObjectID, inRoom roomID: ObjectID) async throws -> Message?
    /// The `limit` most recent messages of a room, newest first. On a store the Go
    /// service may also write (MongoDB) "recent" means by `timestamp`, whoever wrote the
    /// message (Go-written messages carry no sequence number); on a store only chatctl
    /// writes (SQLite) it means by room sequence.
    func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message]
    /// The id of the room's most recent message in `recentMessages`' order (nil: none);
    /// one indexed read, used to tell a cached history from a stale one.
    func newestMessageID(inRoom roomID: ObjectID) async throws -> ObjectID?
    /// A room's messages with a sequence number above `sequence`, oldest first (gap repair
    /// of chatctl's own fan-out, which only carries messages chatctl stored).
    func messages(inRoom roomID: ObjectID, afterSequence sequence: Int64, limit: Int) async throws -> [Message]
    /// The messages a client that saw `last` has not seen, oldest first, at most `limit`
    /// (resume). On SQLite: the room sequence after `last`'s. On MongoDB also every
    /// Go-written message (no sequence) stored after `last` by `timestamp` (ties by id),
    /// merged in `timestamp` order; when `last` itself is Go-written, everything after it
    /// by `timestamp`.
    func messages(inRoom roomID: ObjectID, after last: Message, limit: Int) async throws -> [Message]
}

/// How long a sender's `client_id` stays bound to its message: a resend within it is
/// answered with that message.
public enum ClientIDWindow {
    public static let milliseconds: Int64 = 86_400_000
}

extension MessageStore {
    /// Stores one message; returns it with its sequence number.
    @discardableResult
    public func insertMessage(_ message: Message) async throws -> Message {
        try await insertMessages([message])[0]
    }
}
