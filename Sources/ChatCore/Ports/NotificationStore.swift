import Foundation

/// Which of a receiver's notifications to list (newest first).
public struct NotificationQuery: Sendable, Equatable {
    /// Only those not yet marked seen.
    public var unseenOnly: Bool
    /// Only those strictly older than this (paging: pass the last item's timestamp).
    public var before: Date?
    public var limit: Int

    public init(unseenOnly: Bool = false, before: Date? = nil, limit: Int = 50) {
        self.unseenOnly = unseenOnly
        self.before = before
        self.limit = limit
    }
}

/// Where notifications live (filled by the notification service).
public protocol NotificationStore: Sendable {
    /// Stores notifications, one per receiver. A notification whose id is already stored
    /// is skipped, so a redelivered event stores nothing twice (ids are derived from the
    /// event and the receiver: `NotificationID`). Returns how many were new (MongoDB
    /// reports 0 for a batch that hit a duplicate).
    @discardableResult
    func insertNotifications(_ notifications: [ChatNotification]) async throws -> Int
    /// A receiver's notifications, newest first.
    func notifications(for receiverID: ObjectID, query: NotificationQuery) async throws -> [ChatNotification]
    /// Marks a receiver's notifications seen: those with these ids, or all when `ids` is
    /// nil. Another receiver's ids are ignored. Returns how many changed.
    func markSeen(receiver receiverID: ObjectID, ids: [ObjectID]?) async throws -> Int
}

extension NotificationStore {
    /// The newest `limit` notifications of a receiver.
    public func notifications(for receiverID: ObjectID, limit: Int) async throws -> [ChatNotification] {
        try await notifications(for: receiverID, query: NotificationQuery(limit: limit))
    }
}
