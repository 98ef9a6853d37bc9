import Foundation

/// A room's messages in a time range, oldest first by time then id, one line each
/// (`chatctl rooms export`): the rooms' history and, when asked, the archive merged into
/// one order (a message half-way through archiving, in both, once), read a page at a
/// time so no room is ever whole in memory.
public struct ExportRoom: Sendable {
    let store: any ChatStore

    public init(store: any ChatStore) {
        self.store = store
    }

    /// Messages read per page from each collection.
    public static let defaultPageSize = 500

    public struct Options: Sendable {
        public var room: ObjectID
        /// From this time (inclusive).
        public var from: Date?
        /// Up to this time (exclusive).
        public var to: Date?
        /// Also the room's messages in `archived_messages`.
        public var includeArchived: Bool
        public var pageSize: Int

        public init(room: ObjectID, from: Date? = nil, to: Date? = nil, includeArchived: Bool = false, pageSize: Int = ExportRoom.defaultPageSize) {
            self.room = room
            self.from = from
            self.to = to
            self.includeArchived = includeArchived
            self.pageSize = pageSize
        }
    }

    /// What was written.
    public struct Report: Sendable, Codable, Equatable {
        public var exported: Int
        /// From the rooms' history (a message in both collections counts here).
        public var live: Int
        /// From `archived_messages` only.
        public var archived: Int
    }

    /// Hands each message to `line`, oldest first; `progress(done, total)` after each
    /// page's worth (`total`: the room's messages counted at the start, in the collections
    /// read, whatever the time range; nil when the count cannot be had).
    /// - Throws: `ChatError.invalid("to", …)` for an empty time range; what `line` throws;
    ///   the store's errors.
    public func callAsFunction(
        _ options: Options, line: (RoomExportLine) async throws -> Void, progress: @Sendable (Int, Int?) async -> Void = { _, _ in }
    ) async throws -> Report {
        if let from = options.from, let to = options.to, from >= to { throw ChatError.invalid("to", "to must be later than from") }
        let counts = try await store.messageCounts(room: options.room)
        let total = options.from == nil && options.to == nil ? counts.live + (options.includeArchived ? counts.archived : 0) : nil
        let query = RoomMessageQuery(room: options.room, from: options.from, to: options.to)
        var live = RoomMessagePages(store: store, query: query, place: .live, pageSize: options.pageSize)
        var archived = RoomMessagePages(store: store, query: query, place: .archived, pageSize: options.pageSize, enabled: options.includeArchived)
        var report = Report(exported: 0, live: 0, archived: 0)
        while true {
            let fromLive = try await live.peek()
            let fromArchive = try await archived.peek()
            let next: Message
            switch (fromLive, fromArchive) {
            case (nil, nil):
                await progress(report.exported, total)
                return report
            case (let message?, nil):
                next = message
                live.advance()
                report.live += 1
            case (nil, let message?):
                next = message
                archived.advance()
                report.archived += 1
            case (let current?, let old?):
                let (a, b) = (MessagePosition(current), MessagePosition(old))
                if a == b {
                    // Half-way through archiving: in both, written once.
                    next = current
                    live.advance()
                    archived.advance()
                    report.live += 1
                } else if a < b {
                    next = current
                    live.advance()
                    report.live += 1
                } else {
                    next = old
                    archived.advance()
                    report.archived += 1
                }
            }
            try await line(RoomExportLine(next))
            report.exported += 1
            if report.exported % max(1, options.pageSize) == 0 { await progress(report.exported, total) }
        }
    }
}
