import Foundation
import Logging

/// A room's rules and mutes as an operator sets them (`chatctl rooms set|mute|unmute`).
///
/// Each change is made in the store, then told to every chat node through the store's
/// moderation-notice log (`rulesChanged`), which each node reads within about a second to
/// reload its copy of the room's rules (`RoomRuleCache`); a change is told again when it is
/// made again, so a rerun finishes one whose notice failed.
public struct RoomRestrictions: Sendable {
    let store: any ChatStore
    let logger: Logger

    public init(ports: ChatPorts) { self.init(store: ports.store, logger: ports.logger) }

    /// Only what the rules need (a CLI process has no token key).
    public init(store: any ChatStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Changes some of the room's rules; returns the room as it is now.
    /// - Throws: `ChatError.invalid` naming the rule (`rules` for no change, `slow_mode`,
    ///   `topic`, `archive_after`, `retention`, `moderators` for a user both added and
    ///   removed); `ChatError.roomNotFound`.
    public func setRules(_ change: RoomRules.Change, of room: Room) async throws -> Room {
        var change = change
        guard !change.isEmpty else { throw ChatError.invalid("rules", "nothing to change") }
        if let seconds = change.slowModeSeconds { change.slowModeSeconds = try InputRules.validateSlowMode(seconds) }
        if case .set(let raw) = change.topic {
            let topic = try InputRules.validateTopic(raw)
            change.topic = .set(topic)
        }
        if case .set(let seconds) = change.archiveAfter {
            change.archiveAfter = .set(try InputRules.validateLifecycleSeconds(Double(seconds), field: "archive_after"))
        }
        if case .set(.seconds(let seconds)) = change.retention {
            change.retention = .set(.seconds(try InputRules.validateLifecycleSeconds(Double(seconds), field: "retention")))
        }
        guard Set(change.addModerators).isDisjoint(with: change.removeModerators) else {
            throw ChatError.invalid("moderators", "a user cannot be both added and removed as a moderator")
        }
        guard let changed = try await store.changeRoomRules(change, roomID: room.id) else { throw ChatError.roomNotFound }
        try await tell(changed)
        let archiveAfter: String = changed.rules.archiveAfterSeconds.map { String($0) } ?? "default"
        let retention: String = changed.rules.retention.map { $0.seconds.map { String($0) } ?? "none" } ?? "default"
        logger.info(
            "room rules changed",
            metadata: [
                "room": "\(changed.name)", "read_only": "\(changed.rules.readOnly)", "slow_mode_seconds": "\(changed.rules.slowModeSeconds)",
                "moderators": "\(changed.rules.moderators.count)",
                "archive_after_seconds": "\(archiveAfter)", "retention_seconds": "\(retention)",
            ])
        return changed
    }

    /// Mutes `user` in `room` for `length` seconds (nil: until `unmute`), replacing a mute it
    /// had there: it still reads the room, its posts are refused.
    /// - Parameter moderator: who mutes (`user@host`).
    /// - Throws: `ChatError.invalid("reason" | "for", …)`.
    public func mute(_ user: User, in room: Room, for length: TimeInterval?, reason: String?, by moderator: String, now: Date = Date()) async throws
        -> RoomMute
    {
        let reason = try InputRules.validateReason(reason)
        let length = try InputRules.validateRestrictionLength(length)
        let mute = RoomMute(roomID: room.id, userID: user.id, until: length.map { now.addingTimeInterval($0) }, reason: reason, by: moderator, at: now)
        try await store.muteUser(mute)
        try await tell(room)
        logger.info(
            "user muted",
            metadata: ["room": "\(room.name)", "user": "\(user.username)", "until": "\(mute.until.map(RFC3339.string(from:)) ?? "-")", "by": "\(moderator)"])
        return mute
    }

    /// Lifts `user`'s mute in `room`; false when it had none (the nodes are told either way).
    public func unmute(_ user: User, in room: Room) async throws -> Bool {
        let lifted = try await store.unmuteUser(user.id, inRoom: room.id)
        try await tell(room)
        if lifted { logger.info("user unmuted", metadata: ["room": "\(room.name)", "user": "\(user.username)"]) }
        return lifted
    }

    /// The room's mutes that hold now, oldest first.
    public func mutes(in room: Room, now: Date = Date()) async throws -> [RoomMute] {
        try await store.mutes(inRoom: room.id, at: now)
    }

    /// Every chat node reloads the room's rules and mutes within about a second.
    private func tell(_ room: Room) async throws {
        try await store.recordModerationNotice(ModerationNotice(kind: .rulesChanged, roomID: room.id, roomName: room.name, messageIDs: []))
    }
}
