import Foundation

/// A room's rules (`chatctl rooms set`), enforced by every chat node on every post
/// (`RoomPolicy`): read-only (only the room's moderators post), slow mode (one message
/// per user per interval; moderators are not slowed) and a topic shown by `rooms show`;
/// and the room's own data lifecycle, which the scheduler applies (`LifecyclePolicy`):
/// after how long its messages are archived and how long they are kept archived.
///
/// Stored beside the Go fields of the room (MongoDB `rooms.read_only`,
/// `slow_mode_seconds`, `moderators`, `topic`, `archive_after_seconds`,
/// `retention_seconds`, written only when set; SQLite columns of `rooms`, migrations v15
/// and v21), so the Go service still reads the room as it wrote it.
public struct RoomRules: Sendable, Hashable, Codable {
    /// Only the room's moderators post; the others get an error frame naming the rule.
    public var readOnly: Bool
    /// One message per user per this many seconds (0: off). Moderators are not slowed.
    public var slowModeSeconds: Int
    /// Who posts in a read-only room and is not slowed, in the order they were added.
    public var moderators: [ObjectID]
    /// What the room is about, nil for none.
    public var topic: String?
    /// After how many seconds the room's messages are archived; nil: the default
    /// (`scheduler.archive_older_than`).
    public var archiveAfterSeconds: Int?
    /// How long the room's archived messages are kept; nil: the default (`retention.default`).
    public var retention: Retention?

    public init(
        readOnly: Bool = false, slowModeSeconds: Int = 0, moderators: [ObjectID] = [], topic: String? = nil, archiveAfterSeconds: Int? = nil,
        retention: Retention? = nil
    ) {
        self.readOnly = readOnly
        self.slowModeSeconds = slowModeSeconds
        self.moderators = moderators
        self.topic = topic
        self.archiveAfterSeconds = archiveAfterSeconds
        self.retention = retention
    }

    /// Whether the user is one of the room's moderators.
    public func isModerator(_ userID: ObjectID) -> Bool { moderators.contains(userID) }

    /// True when no rule restricts anyone, there is no topic and the lifecycle is the
    /// default's (a room as the Go service creates it).
    public var isDefault: Bool { self == RoomRules() }

    /// A change to some of a room's rules (`chatctl rooms set`): nil leaves a rule as it is.
    public struct Change: Sendable, Equatable {
        /// A new topic, or none.
        public enum Topic: Sendable, Equatable {
            case set(String)
            case clear
        }

        /// A room's own value for a lifecycle setting, or back to the default.
        public enum Override<Value: Sendable & Equatable>: Sendable, Equatable {
            case set(Value)
            /// The room follows the setting's default again.
            case useDefault
        }

        public var readOnly: Bool?
        /// 0 turns slow mode off.
        public var slowModeSeconds: Int?
        public var addModerators: [ObjectID]
        public var removeModerators: [ObjectID]
        public var topic: Topic?
        /// The room's archive age in seconds, or the default again.
        public var archiveAfter: Override<Int>?
        /// The room's retention, or the default again.
        public var retention: Override<Retention>?

        public init(
            readOnly: Bool? = nil, slowModeSeconds: Int? = nil, addModerators: [ObjectID] = [], removeModerators: [ObjectID] = [],
            topic: Topic? = nil, archiveAfter: Override<Int>? = nil, retention: Override<Retention>? = nil
        ) {
            self.readOnly = readOnly
            self.slowModeSeconds = slowModeSeconds
            self.addModerators = addModerators
            self.removeModerators = removeModerators
            self.topic = topic
            self.archiveAfter = archiveAfter
            self.retention = retention
        }

        /// Nothing to change.
        public var isEmpty: Bool {
            readOnly == nil && slowModeSeconds == nil && addModerators.isEmpty && removeModerators.isEmpty && topic == nil && archiveAfter == nil
                && retention == nil
        }
    }

    /// The rules after `change`: moderators added (once each, after those already there),
    /// then those removed. The memory and SQLite stores apply it inside their write; the
    /// MongoDB store does the same with `$set`/`$unset`, `$addToSet` and `$pull`.
    public func applying(_ change: Change) -> RoomRules {
        var rules = self
        if let readOnly = change.readOnly { rules.readOnly = readOnly }
        if let seconds = change.slowModeSeconds { rules.slowModeSeconds = max(0, seconds) }
        for id in change.addModerators where !rules.moderators.contains(id) { rules.moderators.append(id) }
        let removed = Set(change.removeModerators)
        rules.moderators.removeAll { removed.contains($0) }
        switch change.topic {
        case .set(let topic): rules.topic = topic
        case .clear: rules.topic = nil
        case nil: break
        }
        switch change.archiveAfter {
        case .set(let seconds): rules.archiveAfterSeconds = seconds
        case .useDefault: rules.archiveAfterSeconds = nil
        case nil: break
        }
        switch change.retention {
        case .set(let retention): rules.retention = retention
        case .useDefault: rules.retention = nil
        case nil: break
        }
        return rules
    }
}
