/// Hands stored notifications to their receivers' open notification sockets on this
/// node (the notification service's hub). Never waits, never fails.
public protocol NotificationPusher: Sendable {
    /// Returns how many frames were queued (0 when nobody is connected).
    @discardableResult
    func push(_ notifications: [ChatNotification]) -> Int
}
