import Foundation

/// A receiver's notifications, newest first, a page at a time, none skipped or repeated
/// where several share a millisecond.
///
/// `NotificationStore` pages by time alone (`NotificationQuery.before` is exclusive), and
/// every store orders a millisecond's notifications by id, newest first. So each page
/// after the first asks for the notifications up to and including the previous page's
/// oldest millisecond, with room for the ones of that millisecond already given, and
/// leaves those out.
struct ReceivedNotificationPages {
    let store: any NotificationStore
    let receiver: ObjectID
    let pageSize: Int
    /// The exclusive bound of the next page (nil: from the newest).
    private var before: Date?
    /// Ids already given whose millisecond is `before` minus 1 ms.
    private var given: Set<ObjectID> = []
    private var finished = false

    init(store: any NotificationStore, receiver: ObjectID, pageSize: Int) {
        self.store = store
        self.receiver = receiver
        self.pageSize = pageSize
    }

    /// The next page, newest first; empty once every notification was given.
    mutating func next() async throws -> [ChatNotification] {
        guard !finished else { return [] }
        let limit = pageSize + given.count
        let fetched = try await store.notifications(for: receiver, query: NotificationQuery(before: before, limit: limit))
        if fetched.count < limit { finished = true }
        let page = fetched.filter { !given.contains($0.id) }
        guard let oldest = page.last?.timestamp.millisecondsSince1970 else {
            finished = true
            return []
        }
        if before?.millisecondsSince1970 != oldest + 1 { given = [] }
        for notification in page where notification.timestamp.millisecondsSince1970 == oldest { given.insert(notification.id) }
        before = Date(millisecondsSince1970: oldest + 1)
        return page
    }
}
