import ChatCore
import ChatRuntime
import Foundation

/// The data lifecycle as `archive plan`, `archive run` and `rooms show` print it: one
/// place for its wording and its `--json` shape.
enum LifecycleOutput {
    /// The archive age and retention that apply to a room, and where each comes from
    /// (`room`: `rooms set`; `default`: `scheduler.archive_older_than`, `retention.default`).
    struct Applied: Encodable {
        var archiveAfterSeconds: Int
        var archiveAfterSource: String
        /// `none` (archived messages kept) or the length (`90d`).
        var retention: String
        /// Absent for `none`.
        var retentionSeconds: Int?
        var retentionSource: String

        init(_ applied: LifecyclePolicy.Applied) {
            archiveAfterSeconds = applied.archiveAfterSeconds
            archiveAfterSource = applied.archiveAfterSource.rawValue
            retention = RestrictionText.retention(applied.retention)
            retentionSeconds = applied.retention.seconds
            retentionSource = applied.retentionSource.rawValue
        }

        /// `archive after 30d (default), retention 90d (room)`.
        var summary: String { "archive after \(archiveAge), retention \(retentionShown)" }
        /// `30d (default)`.
        var archiveAge: String { "\(RestrictionText.length(archiveAfterSeconds)) (\(archiveAfterSource))" }
        /// `90d (room)`.
        var retentionShown: String { "\(retention) (\(retentionSource))" }
    }

    /// Messages due in one collection of one room: how many, the oldest and the newest.
    struct Messages: Encodable {
        var messages: Int
        var oldest: String?
        var newest: String?
        var oldestId: String?
        var newestId: String?

        init(_ aged: AgedMessages?) {
            messages = aged?.count ?? 0
            oldest = aged.map { RFC3339.string(from: $0.oldest) }
            newest = aged.map { RFC3339.string(from: $0.newest) }
            oldestId = aged?.oldestID.hex
            newestId = aged?.newestID.hex
        }
    }

    /// One room's part of a plan (or of what a run left).
    struct Room: Encodable {
        /// Absent for a room that no longer exists (its messages stay when it is deleted).
        var room: String?
        var roomId: String
        var lifecycle: Applied
        /// Live messages posted before this are archived.
        var archiveCutoff: String
        /// Archived messages posted before this are deleted; absent: kept.
        var retentionCutoff: String?
        /// Live messages to archive.
        var archive: Messages
        /// Archived messages to delete (with the live ones past both cut-offs, archived first).
        var delete: Messages

        init(_ plan: LifecyclePlan.RoomPlan) {
            room = plan.roomName
            roomId = plan.roomID.hex
            lifecycle = Applied(plan.applied)
            archiveCutoff = RFC3339.string(from: plan.archiveCutoff)
            retentionCutoff = plan.retentionCutoff.map(RFC3339.string(from:))
            archive = Messages(plan.toArchive)
            delete = Messages(plan.toDelete)
        }

        /// The room's name, or `deleted room <id>`.
        var shown: String { room ?? "deleted room \(roomId)" }
    }

    /// A whole plan.
    struct Plan: Encodable {
        var at: String
        /// What rooms without their own values follow.
        var defaults: Applied
        /// Messages to archive, in every room.
        var archive: Int
        /// Messages to delete, in every room.
        var delete: Int
        var rooms: [Room]

        init(_ plan: LifecyclePlan) {
            at = RFC3339.string(from: plan.at)
            defaults = Applied(plan.defaults.asDefault)
            archive = plan.archiveCount
            delete = plan.deleteCount
            rooms = plan.rooms.map(Room.init)
        }
    }

    /// A table of rooms: name, archive age, retention, what is due and the oldest due.
    static func printTable(_ rooms: [LifecyclePlan.RoomPlan]) {
        guard !rooms.isEmpty else { return }
        let rows = rooms.map { plan -> [String] in
            let room = Room(plan)
            let oldest = [plan.toArchive?.oldest, plan.toDelete?.oldest].compactMap { $0 }.min()
            return [
                room.shown, room.lifecycle.archiveAge, room.lifecycle.retentionShown, "\(plan.archiveCount)", "\(plan.deleteCount)",
                oldest.map(RFC3339.string(from:)) ?? "-",
            ]
        }
        TextTable.print(header: ["ROOM", "ARCHIVE AFTER", "RETENTION", "TO ARCHIVE", "TO DELETE", "OLDEST DUE"], rows: rows)
    }

    /// What a run left due, one room per clause, for the error that ends the command:
    /// `lobby: 3 to archive, 2 to delete; …`.
    static func leftSummary(_ rooms: [LifecyclePlan.RoomPlan]) -> String {
        rooms.map { "\(Room($0).shown): \($0.archiveCount) to archive, \($0.deleteCount) to delete" }.joined(separator: "; ")
    }
}
