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
public protocol PendingEventLog: Sendable {
    /// Records pending events (a message already pending keeps its first time).
    func markEventsPending(_ events: [PendingEvent]) async throws
    /// Forgets pending events once their events were confirmed.
    func clearPendingEvents(messageIDs: [ObjectID]) async throws
    /// Pending events recorded before `before`, oldest first.
    func pendingEvents(before: Date, limit: Int) async throws -> [PendingEvent]
}
