import Foundation

/// One archive-and-retention run, the scheduler's `archive` task and `chatctl archive run`
/// without `--older-than`: under `ArchiveLock`, every room's due messages are archived at
/// the room's own age (`ArchiveMessages`: copy, then delete, batch by batch, exactly
/// once), then its archived messages past its retention are deleted in batches (only
/// archived ones: a live message is archived first), then everything is counted again
/// at the same cut-offs (`LifecyclePlanner`) and what is still due is reported in
/// `Report.left` — a store that did not delete what it was asked to never goes unnoticed.
///
/// Each step is idempotent and every batch is bounded by what the plan counted, so a run
/// that failed (or was cancelled) part-way is finished by the next run, and a store that
/// refuses deletes cannot keep a run going.
public struct EnforceLifecycle: Sendable {
    let store: any ArchiveStore & RoomStore
    let cache: any RecentMessageCache
    let lock: ArchiveLock
    let planner: LifecyclePlanner

    public init(
        store: any ArchiveStore & RoomStore, cache: any RecentMessageCache, locks: any LockService, defaults: LifecyclePolicy,
        lockTTL: Duration = ArchiveLock.defaultTTL
    ) {
        self.store = store
        self.cache = cache
        self.lock = ArchiveLock(locks: locks, ttl: lockTTL)
        self.planner = LifecyclePlanner(store: store, defaults: defaults)
    }

    public struct Options: Sendable {
        /// Only this room (nil: every room, and the messages of rooms that no longer exist).
        public var room: ObjectID?
        public var batchSize: Int
        /// Between batches, so a big backlog never starves the chat service.
        public var pause: Duration

        public init(room: ObjectID? = nil, batchSize: Int = 1000, pause: Duration = .milliseconds(50)) {
            self.room = room
            self.batchSize = batchSize
            self.pause = pause
        }
    }

    /// What a run did.
    public struct Report: Sendable, Equatable {
        /// What was due when the run began (the rooms, cut-offs and counts it worked from).
        public var plan: LifecyclePlan
        /// Messages moved to `archived_messages` (each batch as it was asked to move).
        public var archived: Int
        /// Archived messages deleted past their retention (as the store counted them).
        public var deleted: Int
        public var batches: Int
        /// The rooms with messages still due after the run, counted again at the run's
        /// cut-offs; empty when the run did its job.
        public var left: [LifecyclePlan.RoomPlan]
        /// False when the run was cancelled (graceful shutdown) before it finished; then
        /// nothing was counted again (`left` is empty) and the next run goes on.
        public var finished: Bool

        /// Messages still due after the run.
        public var leftCount: Int { left.reduce(0) { $0 + $1.archiveCount + $1.deleteCount } }
    }

    /// Runs once at `now` under the archive lock; `progress(done, total)` after each batch
    /// (messages archived plus deleted, out of what the plan counted).
    /// - Throws: `ArchiveLockError.held` when another run holds the lock (nothing ran),
    ///   `ChatError.roomNotFound` for an unknown `options.room`, the store's errors.
    public func callAsFunction(
        _ options: Options, now: Date = Date(), progress: @escaping @Sendable (Int, Int) async -> Void = { _, _ in }
    ) async throws -> Report {
        try await lock.holding { try await run(options, now: now, progress: progress) }
    }

    private func run(_ options: Options, now: Date, progress: @escaping @Sendable (Int, Int) async -> Void) async throws -> Report {
        let rooms = try await planner.rooms(only: options.room)
        let wholeStore = options.room == nil
        let plan = try await planner.plan(rooms: rooms, wholeStore: wholeStore, now: now)
        let total = plan.archiveCount + plan.deleteCount
        let archive = ArchiveMessages(store: store, cache: cache)
        var archived = 0
        var deleted = 0
        var batches = 0
        let due = plan.due
        for (index, entry) in due.enumerated() {
            if Task.isCancelled { break }
            if entry.archiveCount > 0 {
                let before = archived + deleted
                let roomOptions = ArchiveMessages.Options(cutoff: entry.archiveCutoff, room: entry.roomID, batchSize: options.batchSize, pause: options.pause)
                let report = try await archive(roomOptions) { moved, _ in await progress(before + moved, total) }
                archived += report.moved
                batches += report.batches
            }
            if entry.deleteCount > 0, let cutoff = entry.retentionCutoff, !Task.isCancelled {
                let before = archived + deleted
                let expired = try await expire(entry.roomID, postedBefore: cutoff, expected: entry.deleteCount, options) { attempted in
                    await progress(before + attempted, total)
                }
                deleted += expired.deleted
                batches += expired.batches
            }
            if index < due.count - 1 { try? await Task.sleep(for: options.pause) }
        }
        guard !Task.isCancelled else {
            return Report(plan: plan, archived: archived, deleted: deleted, batches: batches, left: [], finished: false)
        }
        let after = try await planner.plan(rooms: rooms, wholeStore: wholeStore, now: now)
        return Report(plan: plan, archived: archived, deleted: deleted, batches: batches, left: after.due, finished: true)
    }

    /// Deletes the room's archived messages posted before `cutoff`, oldest first, in
    /// batches, trying at most `expected` (what the plan counted): a store that refuses a
    /// delete hands the same batch back, and the run must end anyway. `progress(attempted)`.
    private func expire(
        _ roomID: ObjectID, postedBefore cutoff: Date, expected: Int, _ options: Options, progress: (Int) async -> Void
    ) async throws -> (deleted: Int, batches: Int) {
        var attempted = 0
        var deleted = 0
        var batches = 0
        while attempted < expected, !Task.isCancelled {
            let batch = try await store.archivedMessages(room: roomID, from: nil, to: cutoff, limit: min(options.batchSize, expected - attempted))
            guard !batch.isEmpty else { break }
            deleted += try await store.deleteArchived(ids: batch.map(\.id))
            attempted += batch.count
            batches += 1
            await progress(attempted)
            if attempted < expected { try? await Task.sleep(for: options.pause) }
        }
        return (deleted, batches)
    }

    /// What the next run would do at `now` (nothing changes; no lock is taken).
    public func plan(room: ObjectID? = nil, now: Date = Date()) async throws -> LifecyclePlan {
        try await planner.plan(room: room, now: now)
    }
}
