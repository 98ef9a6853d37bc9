/// One collection's messages of a room (`messages` or `archived_messages`), read a page
/// at a time, oldest first by time then id: each page starts after the last one's final
/// message (`RoomMessageQuery.after`), so a page costs what it returns.
struct RoomMessagePages {
    let store: any MessageTransferStore
    let place: LocatedMessage.Place
    let pageSize: Int
    private var query: RoomMessageQuery
    private var page: [Message] = []
    private var index = 0
    private var exhausted: Bool

    /// - Parameter enabled: false for a source that yields nothing (the archive, unless asked for).
    init(store: any MessageTransferStore, query: RoomMessageQuery, place: LocatedMessage.Place, pageSize: Int, enabled: Bool = true) {
        self.store = store
        self.query = query
        self.place = place
        self.pageSize = max(1, pageSize)
        exhausted = !enabled
    }

    /// The next message, left in place (nil: none left).
    mutating func peek() async throws -> Message? {
        if index < page.count { return page[index] }
        guard !exhausted else { return nil }
        page = try await store.roomMessages(matching: query, in: place, limit: pageSize)
        index = 0
        if page.count < pageSize { exhausted = true }
        if let last = page.last { query.after = MessagePosition(last) }
        return page.first
    }

    /// Moves past the message `peek()` gave.
    mutating func advance() {
        index += 1
    }
}
