/// Where notifications live (filled by the notification service).
public protocol NotificationStore: Sendable {
    /// Stores notifications, one per receiver.
    func insertNotifications(_ notifications: [ChatNotification]) async throws
    /// A receiver's notifications, newest first.
    func notifications(for receiverID: ObjectID, limit: Int) async throws -> [ChatNotification]
}
