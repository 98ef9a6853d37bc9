import Foundation

/// What an archive-and-retention run would do at `at`, per room (`chatctl archive plan`,
/// `LifecyclePlanner`): the messages it would archive and those it would delete, and the
/// archive age and retention that apply, with where each comes from.
///
/// A message an interrupted run left in both collections (copied, not yet deleted from
/// `messages`) is counted in each: to archive (the copy is skipped, the live one deleted)
/// and, when past its retention, twice to delete.
public struct LifecyclePlan: Sendable, Equatable {
    /// The instant the cut-offs are counted back from.
    public var at: Date
    /// The defaults the rooms without their own values follow.
    public var defaults: LifecyclePolicy
    /// Every room planned (every room of the store, or the one asked for), by name; then
    /// the rooms that no longer exist but still have messages due (by id).
    public var rooms: [RoomPlan]

    public init(at: Date, defaults: LifecyclePolicy, rooms: [RoomPlan]) {
        self.at = at
        self.defaults = defaults
        self.rooms = rooms
    }

    /// One room's part of the plan.
    public struct RoomPlan: Sendable, Equatable {
        public var roomID: ObjectID
        /// Nil for a room that no longer exists (its messages stay when it is deleted).
        public var roomName: String?
        /// The archive age and retention that apply, and where each comes from.
        public var applied: LifecyclePolicy.Applied
        /// Live messages posted before this are archived.
        public var archiveCutoff: Date
        /// Archived messages posted before this are deleted (nil: kept forever).
        public var retentionCutoff: Date?
        /// Live messages to move to `archived_messages` (nil: none).
        public var toArchive: AgedMessages?
        /// Messages to delete from `archived_messages`: those there past the retention, and
        /// the live ones past both cut-offs that the run archives first (nil: none).
        public var toDelete: AgedMessages?

        public init(roomID: ObjectID, roomName: String?, applied: LifecyclePolicy.Applied, at now: Date) {
            self.roomID = roomID
            self.roomName = roomName
            self.applied = applied
            archiveCutoff = applied.archiveCutoff(at: now)
            retentionCutoff = applied.retentionCutoff(at: now)
        }

        /// Live messages posted before this are archived and deleted in the same run.
        public var archiveAndDeleteCutoff: Date? { retentionCutoff.map { min($0, archiveCutoff) } }

        /// Messages to archive.
        public var archiveCount: Int { toArchive?.count ?? 0 }
        /// Messages to delete.
        public var deleteCount: Int { toDelete?.count ?? 0 }
        /// Whether anything is due in this room.
        public var isDue: Bool { archiveCount > 0 || deleteCount > 0 }
    }

    /// Messages to archive, in every room planned.
    public var archiveCount: Int { rooms.reduce(0) { $0 + $1.archiveCount } }
    /// Messages to delete, in every room planned.
    public var deleteCount: Int { rooms.reduce(0) { $0 + $1.deleteCount } }
    /// The rooms where something is due.
    public var due: [RoomPlan] { rooms.filter(\.isDue) }
}
