import Foundation

/// Counts what an archive-and-retention run (`EnforceLifecycle`) would do, per room, and
/// changes nothing: `chatctl archive plan`, the scheduler's report, and the count again
/// after every run that proves nothing due was left.
///
/// Each room is planned at its own values (`LifecyclePolicy.applied`). Rooms that follow
/// a default — and, across the whole store, rooms that no longer exist — are counted in
/// one pass over a collection at the default's cut-off; a room with its own value alone,
/// at its own. The archive is read only where a retention applies.
public struct LifecyclePlanner: Sendable {
    let store: any ArchiveStore & RoomStore
    let defaults: LifecyclePolicy

    public init(store: any ArchiveStore & RoomStore, defaults: LifecyclePolicy) {
        self.store = store
        self.defaults = defaults
    }

    /// Every room, or the one given.
    /// - Throws: `ChatError.roomNotFound` for a room that does not exist.
    public func rooms(only room: ObjectID?) async throws -> [Room] {
        guard let room else { return try await store.allRooms() }
        guard let found = try await store.room(id: room) else { throw ChatError.roomNotFound }
        return [found]
    }

    /// The plan at `now` for every room (and the messages of rooms that no longer exist),
    /// or for one.
    public func plan(room: ObjectID? = nil, now: Date = Date()) async throws -> LifecyclePlan {
        try await plan(rooms: try await rooms(only: room), wholeStore: room == nil, now: now)
    }

    /// The plan for `rooms` as they are given (their rules then) at `now`; with
    /// `wholeStore`, also for the rooms that no longer exist. A run counts again with the
    /// rooms and the instant it planned with, so it compares like with like.
    public func plan(rooms: [Room], wholeStore: Bool, now: Date) async throws -> LifecyclePlan {
        let fallback = defaults.asDefault
        var entries: [ObjectID: LifecyclePlan.RoomPlan] = [:]
        for room in rooms {
            entries[room.id] = LifecyclePlan.RoomPlan(roomID: room.id, roomName: room.name, applied: defaults.applied(to: room.rules), at: now)
        }
        let ownArchiveAge: (LifecyclePlan.RoomPlan) -> Bool = { $0.applied.archiveAfterSource == .room }
        let ownRetention: (LifecyclePlan.RoomPlan) -> Bool = { $0.applied.retentionSource == .room }
        let ownEither: (LifecyclePlan.RoomPlan) -> Bool = { ownArchiveAge($0) || ownRetention($0) }

        // Live messages past the archive age.
        let toArchive = try await aged(
            .live, entries: entries, wholeStore: wholeStore, defaultCutoff: fallback.archiveCutoff(at: now), ownValue: ownArchiveAge
        ) { $0.archiveCutoff }
        // Archived messages past the retention.
        let archivedExpired = try await aged(
            .archived, entries: entries, wholeStore: wholeStore, defaultCutoff: fallback.retentionCutoff(at: now), ownValue: ownRetention
        ) { $0.retentionCutoff }
        // Live messages past both: the run archives them, then deletes them.
        let liveExpired = try await aged(
            .live, entries: entries, wholeStore: wholeStore, defaultCutoff: fallback.archiveAndDeleteCutoff(at: now), ownValue: ownEither
        ) { $0.archiveAndDeleteCutoff }

        for roomID in Set(toArchive.keys).union(archivedExpired.keys).union(liveExpired.keys) where entries[roomID] == nil {
            entries[roomID] = LifecyclePlan.RoomPlan(roomID: roomID, roomName: nil, applied: fallback, at: now)
        }
        for roomID in entries.keys {
            entries[roomID]?.toArchive = toArchive[roomID]
            entries[roomID]?.toDelete = AgedMessages.sum(archivedExpired[roomID], liveExpired[roomID])
        }
        let ordered = entries.values.sorted { first, second in
            switch (first.roomName, second.roomName) {
            case (let a?, let b?): (a, first.roomID.hex) < (b, second.roomID.hex)
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): first.roomID.hex < second.roomID.hex
            }
        }
        return LifecyclePlan(at: now, defaults: defaults, rooms: ordered)
    }

    /// Per room, the messages of `place` before the room's `cutoff` (nil: none are due).
    /// Across the whole store, the rooms without their own value (`ownValue`), and rooms
    /// that no longer exist, come from one pass at `defaultCutoff`; the others, and every
    /// room when only some are planned, are counted one by one.
    private func aged(
        _ place: LocatedMessage.Place, entries: [ObjectID: LifecyclePlan.RoomPlan], wholeStore: Bool, defaultCutoff: Date?,
        ownValue: (LifecyclePlan.RoomPlan) -> Bool, cutoff: (LifecyclePlan.RoomPlan) -> Date?
    ) async throws -> [ObjectID: AgedMessages] {
        var found: [ObjectID: AgedMessages] = [:]
        if wholeStore, let defaultCutoff {
            for row in try await store.agedMessages(in: place, olderThan: defaultCutoff, room: nil) {
                if let entry = entries[row.roomID], ownValue(entry) { continue }
                found[row.roomID] = row
            }
        }
        for entry in entries.values where !wholeStore || ownValue(entry) {
            guard let roomCutoff = cutoff(entry) else { continue }
            if let row = try await store.agedMessages(in: place, olderThan: roomCutoff, room: entry.roomID).first { found[entry.roomID] = row }
        }
        return found
    }
}
