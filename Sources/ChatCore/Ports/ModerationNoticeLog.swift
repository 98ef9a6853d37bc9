import Foundation

/// The store's log of moderation notices. Like `SessionEndLog` it is the one channel a
/// command run from a shell shares with every serving node in every deployment (the
/// embedded SQLite store included, with or without Redis), so a delete reaches the
/// sockets of every node, whichever process made it.
public protocol ModerationNoticeLog: Sendable {
    /// Records a notice (and forgets notices older than a day).
    func recordModerationNotice(_ notice: ModerationNotice) async throws
    /// Notices recorded at or after `since`, oldest first; notices of a kind this version
    /// does not know are left out.
    func moderationNotices(since: Date) async throws -> [ModerationNotice]
}
