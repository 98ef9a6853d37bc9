import Foundation

/// A stored message whose event the broker has not confirmed yet.
public struct PendingEvent: Sendable, Equatable {
    public var messageID: ObjectID
    public var roomID: ObjectID
    public var since: Date

    public init(messageID: ObjectID, roomID: ObjectID, since: Date = Date()) {
        self.messageID = messageID
        self.roomID = roomID
        self.since = since.truncatedToMilliseconds
    }
}

/// Messages whose event is not in the broker's hands yet, kept in the store so that a
/// chat node killed while RabbitMQ is away does not take those events with it: any node
/// republishes them later (`RelayPendingEvents`).
///
/// A mark is a lease on its event: `since` is when a live node last said it still holds
/// the event in its buffer (`refreshPendingEvents`). A mark nobody refreshed for a while
/// belongs to a node that died, and exactly one node takes it over (`claimPendingEvents`
/// moves `since` atomically), so after an outage each event goes out once, not once per
/// node and relay pass.
public protocol PendingEventLog: Sendable {
    /// Records pending events (a message already pending keeps its first time).
    func markEventsPending(_ events: [PendingEvent]) async throws
    /// Forgets pending events once their events were confirmed.
    func clearPendingEvents(messageIDs: [ObjectID]) async throws
    /// Pending events recorded before `before`, oldest first.
    func pendingEvents(before: Date, limit: Int) async throws -> [PendingEvent]
    /// Takes over up to `limit` marks last refreshed before `before`, oldest first:
    /// sets their `since` to `now` (a mark another node refreshed or claimed in between
    /// is skipped) and returns the ones this call took, with their new `since`.
    func claimPendingEvents(before: Date, now: Date, limit: Int) async throws -> [PendingEvent]
    /// The caller still holds these events (buffered, not yet confirmed): sets their
    /// marks' `since` to `now`, so no other node claims them. Missing marks are ignored.
    func refreshPendingEvents(messageIDs: [ObjectID], now: Date) async throws
}
