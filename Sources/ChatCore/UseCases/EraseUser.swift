import Foundation
import Logging

/// Erases a user (`chatctl users erase`): `users delete` plus its content. The account is
/// disabled first (its sockets closed on every node, its logins and tokens refused, so
/// it writes nothing more), then every message it wrote is redacted, live and archived
/// alike — each keeps its id, room, time and number, its content goes — through
/// `PurgeUserMessages` (one notice per room per batch, so live rooms drop the content
/// within about a second), then the notifications that still quote it (whoever received
/// them, whoever stored them) are emptied, then the notifications it received are
/// deleted, then its memberships, and last the account (`UserAdministration.delete`,
/// which closes its sockets once more).
///
/// Each step is idempotent and finds its work in the store, and the account goes last,
/// so a run stopped anywhere (a kill, a failure, a cancellation) is finished by running
/// it again: by name while the account is there, by its id once it is gone.
public struct EraseUser: Sendable {
    let store: any ChatStore
    let cache: any RecentMessageCache
    let hasher: any PasswordHasher
    let logger: Logger

    public init(store: any ChatStore, cache: any RecentMessageCache, hasher: any PasswordHasher, logger: Logger) {
        self.store = store
        self.cache = cache
        self.hasher = hasher
        self.logger = logger
    }

    /// The reason kept with each redaction.
    public static let redactionReason = "account erased"

    /// Notifications read and deleted per round.
    static let notificationPage = 500

    /// Who is erased.
    public enum Subject: Sendable, Equatable {
        /// An account still in the store.
        case user(User)
        /// The id of an account already deleted (by `users delete`, or by an erasure that
        /// got that far): what it left behind is erased.
        case deleted(ObjectID)

        public var id: ObjectID {
            switch self {
            case .user(let user): user.id
            case .deleted(let id): id
            }
        }
    }

    /// How the redaction runs.
    public struct Options: Sendable {
        public var batchSize: Int
        /// Between batches, so a big erasure never starves the chat service.
        public var pause: Duration

        public init(batchSize: Int = 1000, pause: Duration = .milliseconds(50)) {
            self.batchSize = batchSize
            self.pause = pause
        }
    }

    /// What is left to erase.
    public struct Plan: Sendable, Codable, Equatable {
        /// Whether the account is still there.
        public var account: Bool
        /// Messages not redacted yet.
        public var messages: PurgeUserMessages.Counts
        /// Rooms it is still a member of.
        public var rooms: Int
    }

    /// What a run did.
    public struct Report: Sendable, Codable, Equatable {
        /// Messages redacted (live and archived copies count once each).
        public var messagesRedacted: Int
        public var batches: Int
        /// Notices recorded for the chat nodes: one per room per batch.
        public var notices: Int
        /// Notifications of its messages emptied (others' inboxes).
        public var notificationsRedacted: Int
        /// Notifications it received, deleted.
        public var notificationsDeleted: Int
        public var membershipsRemoved: Int
        /// Whether this run deleted the account (false when it was gone already).
        public var accountDeleted: Bool
    }

    /// The subject `nameOrID` names: an account by username or id, else a bare id.
    /// - Throws: `ChatError.userNotFound` when it is neither.
    public func subject(_ nameOrID: String) async throws -> Subject {
        if let user = try await store.user(named: nameOrID) { return .user(user) }
        guard let id = ObjectID(hex: nameOrID) else { throw ChatError.userNotFound }
        if let user = try await store.user(id: id) { return .user(user) }
        return .deleted(id)
    }

    /// What is left to erase; changes nothing.
    public func plan(_ subject: Subject) async throws -> Plan {
        let left = try await purger.count(purgeOptions(subject.id, Options()))
        let rooms = try await store.roomCount(forMember: subject.id)
        return Plan(account: try await store.user(id: subject.id) != nil, messages: left, rooms: rooms)
    }

    /// Erases what is left; `progress(done, total)` after each batch of messages.
    /// - Parameter moderator: who does it (`user@host`): the redactions' `by`, and the log.
    /// - Throws: `CancellationError` when the task is cancelled before the account went
    ///   (what was done stays done; rerun to finish); the store's errors (rerun to finish).
    public func callAsFunction(
        _ subject: Subject, options: Options = Options(), by moderator: String, progress: @Sendable (Int, Int) async -> Void = { _, _ in }
    ) async throws -> Report {
        let administration = UserAdministration(store: store, hasher: hasher, logger: logger)
        let id = subject.id
        if case .user(let user) = subject { _ = try await administration.setDisabled(true, username: user.username) }

        var redacted = try await purger(purgeOptions(id, options), by: moderator, progress: progress)
        try Task.checkCancellation()
        // A post in flight when the account was disabled may have landed after the last batch.
        if try await purger.count(purgeOptions(id, options)).total > 0 {
            let late = try await purger(purgeOptions(id, options), by: moderator, progress: progress)
            try Task.checkCancellation()
            redacted.purged += late.purged
            redacted.batches += late.batches
            redacted.notices += late.notices
            redacted.notifications += late.notifications
        }
        var report = Report(
            messagesRedacted: redacted.purged, batches: redacted.batches, notices: redacted.notices,
            notificationsRedacted: redacted.notifications, notificationsDeleted: 0, membershipsRemoved: 0, accountDeleted: false)

        report.notificationsRedacted += try await store.redactNotifications(sentBy: id)
        try Task.checkCancellation()
        report.notificationsDeleted = try await deleteReceivedNotifications(of: id)
        try Task.checkCancellation()
        for room in try await store.allRooms() where room.members.contains(id) {
            if try await store.removeMember(id, fromRoom: room.id) { report.membershipsRemoved += 1 }
        }
        try Task.checkCancellation()
        if let user = try await store.user(id: id) {
            _ = try await administration.delete(username: user.username)
            report.accountDeleted = true
        }
        logger.info(
            "user erased",
            metadata: [
                "user_id": "\(id)", "messages_redacted": "\(report.messagesRedacted)", "notifications_deleted": "\(report.notificationsDeleted)",
                "account_deleted": "\(report.accountDeleted)", "by": "\(moderator)",
            ])
        return report
    }

    private var purger: PurgeUserMessages {
        PurgeUserMessages(store: store, cache: cache, logger: logger)
    }

    private func purgeOptions(_ id: ObjectID, _ options: Options) -> PurgeUserMessages.Options {
        PurgeUserMessages.Options(sender: id, redact: true, reason: Self.redactionReason, batchSize: options.batchSize, pause: options.pause)
    }

    /// Deletes the notifications `receiver` got, newest first, a page at a time.
    private func deleteReceivedNotifications(of receiver: ObjectID) async throws -> Int {
        var deleted = 0
        while !Task.isCancelled {
            let page = try await store.notifications(for: receiver, limit: Self.notificationPage)
            guard !page.isEmpty else { break }
            let removed = try await store.deleteNotifications(ids: page.map(\.id))
            deleted += removed
            // Nothing removed means the store did not change: stop, not spin.
            guard removed > 0 else { break }
        }
        return deleted
    }
}
