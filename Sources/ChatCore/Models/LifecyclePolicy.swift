import Foundation

/// The defaults of the data lifecycle — after how long messages are archived
/// (`scheduler.archive_older_than`) and how long archived messages are kept
/// (`retention.default`) — and the one decision of which value holds for a room: the
/// room's own (`chatctl rooms set --archive-after/--retention`) when it has one, else the
/// default. A room that no longer exists (its messages stay) follows the defaults.
public struct LifecyclePolicy: Sendable, Equatable {
    /// Archive messages once this many seconds old.
    public var archiveAfterSeconds: Int
    /// Keep archived messages this long.
    public var retention: Retention

    public init(archiveAfterSeconds: Int, retention: Retention = .forever) {
        self.archiveAfterSeconds = archiveAfterSeconds
        self.retention = retention
    }

    /// Where a value that applies comes from.
    public enum Source: String, Sendable, Codable {
        /// The room's own (`rooms set`).
        case room
        /// The setting's (`scheduler.archive_older_than`, `retention.default`).
        case `default`
    }

    /// What holds for one room, and from where.
    public struct Applied: Sendable, Equatable {
        public var archiveAfterSeconds: Int
        public var archiveAfterSource: Source
        public var retention: Retention
        public var retentionSource: Source

        public init(archiveAfterSeconds: Int, archiveAfterSource: Source, retention: Retention, retentionSource: Source) {
            self.archiveAfterSeconds = archiveAfterSeconds
            self.archiveAfterSource = archiveAfterSource
            self.retention = retention
            self.retentionSource = retentionSource
        }

        /// Live messages posted before this are due to be archived at `now`.
        public func archiveCutoff(at now: Date) -> Date { now.addingTimeInterval(-Double(archiveAfterSeconds)) }

        /// Archived messages posted before this are due to be deleted at `now` (nil: kept forever).
        public func retentionCutoff(at now: Date) -> Date? { retention.cutoff(at: now) }

        /// Live messages posted before this are archived and then deleted in one run: past
        /// both the archive age and the retention (nil: none are).
        public func archiveAndDeleteCutoff(at now: Date) -> Date? {
            retentionCutoff(at: now).map { min($0, archiveCutoff(at: now)) }
        }
    }

    /// The values for a room with these rules (nil: a room that no longer exists).
    public func applied(to rules: RoomRules?) -> Applied {
        Applied(
            archiveAfterSeconds: rules?.archiveAfterSeconds ?? archiveAfterSeconds, archiveAfterSource: rules?.archiveAfterSeconds == nil ? .default : .room,
            retention: rules?.retention ?? retention, retentionSource: rules?.retention == nil ? .default : .room)
    }

    /// The defaults as they apply to a room without its own values.
    public var asDefault: Applied { applied(to: nil) }
}
