import Foundation
import Logging

/// An operator resolves a member's report (`chatctl reports resolve`): carries out the
/// action through the use cases that do it by hand — `ModerateMessage` (delete, redact),
/// `RoomRestrictions` (mute the sender in the message's room), `UserAdministration` (ban
/// the sender) — then records who did what, once.
///
/// A report is resolved once: resolving it again is refused naming how it was resolved,
/// before anything is done. The action comes first and the record second, so a resolve
/// that failed half-way is finished by running it again (each action may be repeated: a
/// message already deleted is nothing left to do, a redaction keeps the first, a mute or a
/// ban replaces the one before). Two operators resolving one report at the same instant
/// may both act; the store records one of them and tells the other.
public struct ResolveReport: Sendable {
    let store: any ChatStore
    let cache: any RecentMessageCache
    let hasher: any PasswordHasher
    let logger: Logger

    public init(ports: ChatPorts) { self.init(store: ports.store, cache: ports.cache, hasher: ports.hasher, logger: ports.logger) }

    /// Only what resolving needs (a CLI process has no token key).
    public init(store: any ChatStore, cache: any RecentMessageCache, hasher: any PasswordHasher, logger: Logger) {
        self.store = store
        self.cache = cache
        self.hasher = hasher
        self.logger = logger
    }

    /// What the action changed.
    public enum Effect: Sendable {
        /// `none`: nothing.
        case nothing
        /// The message was deleted, or redacted (`ModerateMessage`'s outcome).
        case moderated(ModerateMessage.Outcome)
        /// A delete or a redaction of a message that is no longer there (deleted before):
        /// nothing left to do.
        case messageGone
        /// The sender, muted in the room.
        case muted(RoomMute, user: User, room: Room)
        /// The sender as it is now, banned.
        case banned(User)
    }

    /// The resolved report and what its action changed.
    public struct Outcome: Sendable {
        public var report: Report
        public var effect: Effect
    }

    /// Resolves the report with `action`.
    /// - Parameters:
    ///   - length: seconds, for a mute or a ban (nil: until lifted); refused with other actions.
    ///   - note: the operator's note, kept with the report and given as the reason of the
    ///     delete, redaction, mute or ban (a ban's reason is told to the user at login).
    ///   - moderator: who resolves (`user@host`).
    /// - Throws: `ChatError.invalid` naming `note` or `for`; `ChatError.reportNotFound`;
    ///   `ChatError.reportResolved` (how it was resolved); `ChatError.userNotFound` or
    ///   `ChatError.roomNotFound` for a mute or ban whose sender or room is gone.
    public func callAsFunction(
        id: ObjectID, action: Report.Action, for length: TimeInterval? = nil, note: String?, by moderator: String, now: Date = Date()
    ) async throws -> Outcome {
        let note = try InputRules.validateReason(note, field: "note")
        if length != nil, !action.takesLength { throw ChatError.lengthNeedsMuteOrBan(action) }
        let length = try InputRules.validateRestrictionLength(length)
        guard let report = try await store.report(id: id) else { throw ChatError.reportNotFound }
        if let resolution = report.resolution { throw ChatError.reportResolved(resolution) }
        let effect = try await carryOut(action, for: report, length: length, note: note, by: moderator, now: now)
        let resolution = Report.Resolution(action: action, by: moderator, at: now, note: note)
        switch try await store.resolveReport(id: id, resolution: resolution) {
        case .resolved(let resolved):
            logger.info(
                "report resolved",
                metadata: ["report_id": "\(id)", "message_id": "\(report.messageID)", "action": "\(action.rawValue)", "by": "\(moderator)"])
            return Outcome(report: resolved, effect: effect)
        case .alreadyResolved(let other):
            throw ChatError.reportResolved(other.resolution ?? resolution)
        case .notFound:
            throw ChatError.reportNotFound
        }
    }

    private func carryOut(
        _ action: Report.Action, for report: Report, length: TimeInterval?, note: String?, by moderator: String, now: Date
    ) async throws -> Effect {
        let moderation = ModerateMessage(store: store, cache: cache, logger: logger)
        switch action {
        case .none:
            return .nothing
        case .delete:
            do {
                return .moderated(try await moderation.delete(id: report.messageID, reason: note, by: moderator))
            } catch let error as ChatError where error == .messageNotFound {
                return .messageGone
            }
        case .redact:
            do {
                return .moderated(try await moderation.redact(id: report.messageID, reason: note, by: moderator))
            } catch let error as ChatError where error == .messageNotFound {
                return .messageGone
            }
        case .mute:
            let sender = try await sender(of: report)
            guard let room = try await store.room(id: report.roomID) else { throw ChatError.roomNotFound }
            let mute = try await RoomRestrictions(store: store, logger: logger)
                .mute(sender, in: room, for: length, reason: note, by: moderator, now: now)
            return .muted(mute, user: sender, room: room)
        case .ban:
            let sender = try await sender(of: report)
            let banned = try await UserAdministration(store: store, hasher: hasher, logger: logger)
                .ban(username: sender.username, for: length, reason: note, by: moderator, now: now)
            return .banned(banned)
        }
    }

    /// The reported message's sender, as it is now.
    private func sender(of report: Report) async throws -> User {
        guard let sender = try await store.user(id: report.senderID) else { throw ChatError.userNotFound }
        return sender
    }
}
