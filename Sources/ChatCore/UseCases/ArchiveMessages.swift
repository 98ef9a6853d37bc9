import Foundation

/// Moves messages older than a cut-off from `messages` to `archived_messages`, exactly
/// once: batch by batch (oldest first), each batch copied idempotently and only then
/// deleted from `messages`, so a failure at any point followed by a rerun leaves every
/// message exactly once in `messages ∪ archived_messages`. The recent-message cache of
/// every room touched is invalidated (it is rebuilt from the store on the next join).
public struct ArchiveMessages: Sendable {
    let store: any ArchiveStore
    let cache: any RecentMessageCache

    public init(store: any ArchiveStore, cache: any RecentMessageCache) {
        self.store = store
        self.cache = cache
    }

    public struct Options: Sendable {
        public var cutoff: Date
        public var room: ObjectID?
        public var batchSize: Int
        /// Stop after this many messages (nil: all).
        public var limit: Int?
        /// Between batches, so a big backlog never starves the chat service.
        public var pause: Duration

        public init(cutoff: Date, room: ObjectID? = nil, batchSize: Int = 1000, limit: Int? = nil, pause: Duration = .milliseconds(50)) {
            self.cutoff = cutoff
            self.room = room
            self.batchSize = batchSize
            self.limit = limit
            self.pause = pause
        }
    }

    /// What a run did (or, dry, would do).
    public struct Report: Sendable, Codable, Equatable {
        public var cutoff: Date
        public var dryRun: Bool
        /// Messages older than the cut-off when the run started.
        public var candidates: Int
        public var moved: Int
        public var batches: Int
        public var rooms: [OldMessageSummary]
    }

    /// Counts and bytes per room; changes nothing.
    public func dryRun(_ options: Options) async throws -> Report {
        let rooms = try await store.oldMessageSummary(olderThan: options.cutoff, room: options.room)
        let candidates = rooms.reduce(0) { $0 + $1.count }
        let wouldMove = options.limit.map { min($0, candidates) } ?? candidates
        return Report(cutoff: options.cutoff, dryRun: true, candidates: candidates, moved: wouldMove, batches: 0, rooms: rooms)
    }

    /// Moves the messages; `progress(moved, total)` after each batch. Stops early (between
    /// batches) when the task is cancelled; what was moved stays moved.
    public func callAsFunction(_ options: Options, progress: @Sendable (Int, Int) async -> Void = { _, _ in }) async throws -> Report {
        let rooms = try await store.oldMessageSummary(olderThan: options.cutoff, room: options.room)
        let candidates = rooms.reduce(0) { $0 + $1.count }
        let total = options.limit.map { min($0, candidates) } ?? candidates
        var moved = 0
        var batches = 0
        var touched: [ObjectID: String] = [:]
        while moved < total, !Task.isCancelled {
            let size = min(options.batchSize, total - moved)
            let batch = try await store.oldMessages(olderThan: options.cutoff, room: options.room, limit: size)
            guard !batch.isEmpty else { break }
            try await store.copyToArchive(batch)
            _ = try await store.deleteMessages(ids: batch.map(\.id))
            for message in batch where touched[message.roomID] == nil {
                touched[message.roomID] = message.roomName
                await cache.invalidate(room: message.roomID, name: message.roomName)
            }
            moved += batch.count
            batches += 1
            await progress(moved, total)
            if moved < total { try? await Task.sleep(for: options.pause) }
        }
        // A join that filled a cache while the batch was moving may have cached moved messages.
        for (room, name) in touched { await cache.invalidate(room: room, name: name) }
        return Report(cutoff: options.cutoff, dryRun: false, candidates: candidates, moved: moved, batches: batches, rooms: rooms)
    }

    /// Counts again, after a run, what it was to move: the rooms with messages older than
    /// the cut-off still in `messages` beyond those a `limit` left there on purpose (empty:
    /// the run did its job). A store that did not delete what it was asked to shows here.
    public func left(after report: Report, _ options: Options) async throws -> [OldMessageSummary] {
        let rooms = try await store.oldMessageSummary(olderThan: options.cutoff, room: options.room)
        let leftOnPurpose = max(0, report.candidates - report.moved)
        return rooms.reduce(0) { $0 + $1.count } > leftOnPurpose ? rooms : []
    }
}

/// Moves archived messages of a room (and time range) back into `messages`, with the
/// same copy-then-delete order as archiving (so it is safe to rerun).
public struct RestoreMessages: Sendable {
    let store: any ArchiveStore
    let cache: any RecentMessageCache

    public init(store: any ArchiveStore, cache: any RecentMessageCache) {
        self.store = store
        self.cache = cache
    }

    public struct Report: Sendable, Codable, Equatable {
        public var restored: Int
        public var batches: Int
    }

    public func callAsFunction(
        room: ObjectID, from: Date? = nil, to: Date? = nil, batchSize: Int = 1000,
        progress: @Sendable (Int) async -> Void = { _ in }
    ) async throws -> Report {
        var restored = 0
        var batches = 0
        var roomName = ""
        while !Task.isCancelled {
            let batch = try await store.archivedMessages(room: room, from: from, to: to, limit: batchSize)
            guard !batch.isEmpty else { break }
            try await store.copyFromArchive(batch)
            _ = try await store.deleteArchived(ids: batch.map(\.id))
            if roomName.isEmpty { roomName = batch[0].roomName }
            restored += batch.count
            batches += 1
            await progress(restored)
        }
        await cache.invalidate(room: room, name: roomName)
        return Report(restored: restored, batches: batches)
    }
}
