import Foundation
import Logging

/// Deletes or redacts one message (`chatctl messages delete|redact`), wherever it is:
/// the room's history, the archive, or both (a message half-way through archiving).
///
/// After the store changed, a `ModerationNotice` goes to the store's log, which every
/// chat node reads within about a second: each drops its cached history of the room and
/// sends `{"type":"deleted"|"redacted","id":…}` to the room's sockets. The cache this
/// process can reach (Redis, with the Go service's entry) is dropped at once. The
/// message's notifications go too (deleted, or emptied for a redaction). Every step is
/// idempotent: a redaction that failed half-way is finished by running it again.
public struct ModerateMessage: Sendable {
    let store: any ChatStore
    let cache: any RecentMessageCache
    let logger: Logger

    public init(ports: ChatPorts) { self.init(store: ports.store, cache: ports.cache, logger: ports.logger) }

    /// Only what moderation needs (a CLI process has no token key).
    public init(store: any ChatStore, cache: any RecentMessageCache, logger: Logger) {
        self.store = store
        self.cache = cache
        self.logger = logger
    }

    /// What a delete or a redaction did.
    public struct Outcome: Sendable, Equatable {
        public var kind: ModerationNotice.Kind
        /// The message as it was (a delete) or as it is now (a redaction), and where it was.
        public var message: LocatedMessage
        /// False when nothing was left to change (a message redacted before).
        public var changed: Bool
        /// Notifications of the message deleted or emptied.
        public var notifications: Int
    }

    /// The message with this id, live or archived, with its sender's and room's names.
    /// - Throws: `ChatError.messageNotFound`.
    public func find(id: ObjectID) async throws -> LocatedMessage {
        guard var located = try await store.locateMessage(id: id) else { throw ChatError.messageNotFound }
        if located.message.senderName.isEmpty, let sender = try await store.user(id: located.message.senderID) {
            located.message.senderName = sender.username
        }
        if located.message.roomName.isEmpty, let room = try await store.room(id: located.message.roomID) {
            located.message.roomName = room.name
        }
        return located
    }

    /// Deletes the message from the room's history and the archive, and its notifications.
    /// - Parameter moderator: who does it (`user@host`), for the log.
    /// - Throws: `ChatError.messageNotFound`; `ChatError.invalid("reason", …)`.
    public func delete(id: ObjectID, reason: String?, by moderator: String) async throws -> Outcome {
        let reason = try InputRules.validateReason(reason)
        let found = try await find(id: id)
        let removed = try await store.deleteMessages(ids: [id]) + store.deleteArchived(ids: [id])
        let notifications = try await store.deleteNotifications(ids: notificationIDs(of: found.message))
        try await tell(.deleted, about: found.message)
        logger.info("message deleted", metadata: metadata(found.message, moderator: moderator, reason: reason))
        return Outcome(kind: .deleted, message: found, changed: removed > 0, notifications: notifications)
    }

    /// Empties the message's content and marks it redacted (it keeps its id, room, sender,
    /// time and `seq`), in the history and the archive alike; its notifications are
    /// emptied too. A message redacted before keeps its first redaction; the rest is done
    /// again (the notice too), so a rerun finishes what a failure left.
    /// - Throws: `ChatError.messageNotFound`; `ChatError.invalid("reason", …)`.
    public func redact(id: ObjectID, reason: String?, by moderator: String) async throws -> Outcome {
        let reason = try InputRules.validateReason(reason)
        let found = try await find(id: id)
        let changed = try await store.redactMessages(ids: [id], redaction: Redaction(by: moderator, reason: reason))
        let notifications = try await store.redactNotifications(ids: notificationIDs(of: found.message))
        try await tell(.redacted, about: found.message)
        logger.info("message redacted", metadata: metadata(found.message, moderator: moderator, reason: reason))
        var now = try await find(id: id)
        now.place = found.place
        return Outcome(kind: .redacted, message: now, changed: changed > 0, notifications: notifications)
    }

    /// The ids chatctl's notification service gave the message's notifications: one per
    /// member of its room but the sender, derived from the message (`NotificationID`).
    /// Not found this way: those of members who left the room since, and the Go
    /// notification service's (random ids).
    private func notificationIDs(of message: Message) async throws -> [ObjectID] {
        guard let room = try await store.room(id: message.roomID) else { return [] }
        return Self.notificationIDs(of: message, members: room.members)
    }

    /// The notification ids of `message` for these members of its room (its sender left out).
    static func notificationIDs(of message: Message, members: [ObjectID]) -> [ObjectID] {
        let key = NotificationID.eventKey(for: MessageEvent(message: message), rawBody: [])
        return members.filter { $0 != message.senderID }.map { receiver in
            NotificationID.make(eventKey: key, receiver: receiver, timestamp: message.timestamp)
        }
    }

    /// Tells every chat node through the store, and drops the cached history this
    /// process can reach (each node drops its own when it reads the notice).
    private func tell(_ kind: ModerationNotice.Kind, about message: Message) async throws {
        try await store.recordModerationNotice(
            ModerationNotice(kind: kind, roomID: message.roomID, roomName: message.roomName, messageIDs: [message.id]))
        await cache.invalidate(room: message.roomID, name: message.roomName)
    }

    private func metadata(_ message: Message, moderator: String, reason: String?) -> Logger.Metadata {
        ["message_id": "\(message.id)", "room": "\(message.roomName)", "sender_id": "\(message.senderID)", "by": "\(moderator)", "reason": "\(reason ?? "")"]
    }
}
