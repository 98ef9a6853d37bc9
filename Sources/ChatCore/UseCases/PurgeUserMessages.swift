import Foundation
import Logging

/// Deletes or redacts one user's messages (`chatctl users purge-messages`): in every room
/// or one, in a time range, in the rooms' history and in the archive alike.
///
/// Counted first, then batch by batch, oldest first, with the discipline of archiving:
/// each batch's notifications are deleted (or emptied), then its messages, then each room
/// of the batch gets one `ModerationNotice` naming all the batch's messages in it (every
/// chat node drops its cached history of the room and sends its sockets one frame per
/// message) and the cache this process reaches is dropped. Every step is idempotent and
/// each batch is found again from the store, so a run stopped anywhere (a kill, a failure)
/// is finished by running it again: a delete finds the messages still there, a redaction
/// the ones not redacted yet.
public struct PurgeUserMessages: Sendable {
    let store: any ChatStore
    let cache: any RecentMessageCache
    let logger: Logger

    public init(store: any ChatStore, cache: any RecentMessageCache, logger: Logger) {
        self.store = store
        self.cache = cache
        self.logger = logger
    }

    /// Which messages, and what becomes of them.
    public struct Options: Sendable {
        public var sender: ObjectID
        /// Only this room (nil: every room).
        public var room: ObjectID?
        /// From this time (inclusive).
        public var from: Date?
        /// Up to this time (exclusive).
        public var to: Date?
        /// Redact (each message keeps its place, its content goes) instead of deleting.
        public var redact: Bool
        /// Why (at most 500 bytes, one line): kept with each redaction and in the log.
        public var reason: String?
        public var batchSize: Int
        /// Between batches, so a big purge never starves the chat service.
        public var pause: Duration

        public init(
            sender: ObjectID, room: ObjectID? = nil, from: Date? = nil, to: Date? = nil, redact: Bool = false, reason: String? = nil,
            batchSize: Int = 1000, pause: Duration = .milliseconds(50)
        ) {
            self.sender = sender
            self.room = room
            self.from = from
            self.to = to
            self.redact = redact
            self.reason = reason
            self.batchSize = batchSize
            self.pause = pause
        }

        /// What is left to do: every matching message for a delete, the ones not redacted
        /// yet for a redaction.
        public var query: SenderMessageQuery {
            SenderMessageQuery(sender: sender, room: room, from: from, to: to, unredactedOnly: redact)
        }
    }

    /// Messages left to purge.
    public struct Counts: Sendable, Codable, Equatable {
        /// In the rooms' history (`messages`).
        public var live: Int
        /// In `archived_messages` (a message half-way through archiving is in both).
        public var archived: Int

        public init(live: Int, archived: Int) {
            self.live = live
            self.archived = archived
        }

        public var total: Int { live + archived }
    }

    /// What a run did.
    public struct Report: Sendable, Codable, Equatable {
        /// `deleted` or `redacted`.
        public var kind: ModerationNotice.Kind
        /// What was left to purge when the run started.
        public var found: Counts
        /// Messages deleted or redacted.
        public var purged: Int
        /// Their notifications deleted or emptied.
        public var notifications: Int
        public var batches: Int
        /// Notices recorded for the chat nodes: one per room per batch.
        public var notices: Int
    }

    /// What is left to purge; changes nothing (a dry run).
    /// - Throws: `ChatError.invalid("reason"|"until"|"batch_size", …)`.
    public func count(_ options: Options) async throws -> Counts {
        let checked = try validated(options)
        return Counts(
            live: try await store.countMessages(matching: checked.query, in: .live),
            archived: try await store.countMessages(matching: checked.query, in: .archived))
    }

    /// Purges what is left, live messages first, then archived ones; `progress(done, total)`
    /// after each batch. Stops early (between batches) when the task is cancelled; what was
    /// purged stays purged.
    /// - Parameter moderator: who does it (`user@host`): the redactions' `by`, and the log.
    /// - Throws: what `count(_:)` throws; the store's errors (rerun to finish).
    public func callAsFunction(
        _ options: Options, by moderator: String, progress: @Sendable (Int, Int) async -> Void = { _, _ in }
    ) async throws -> Report {
        let checked = try validated(options)
        let found = try await count(checked)
        let kind: ModerationNotice.Kind = checked.redact ? .redacted : .deleted
        let redaction = Redaction(by: moderator, reason: checked.reason)
        var report = Report(kind: kind, found: found, purged: 0, notifications: 0, batches: 0, notices: 0)
        var members: [ObjectID: [ObjectID]] = [:]
        var touched: [ObjectID: String] = [:]
        for place in [LocatedMessage.Place.live, .archived] {
            var previous: [ObjectID] = []
            while !Task.isCancelled {
                let batch = try await store.messages(matching: checked.query, in: place, limit: checked.batchSize)
                let ids = batch.map(\.id)
                // The same batch again would mean the store did not change it: stop, not spin.
                guard !batch.isEmpty, ids != previous else { break }
                previous = ids
                for roomID in Set(batch.map(\.roomID)) where members[roomID] == nil {
                    members[roomID] = try await store.room(id: roomID)?.members ?? []
                }
                let notifications = batch.flatMap { ModerateMessage.notificationIDs(of: $0, members: members[$0.roomID] ?? []) }
                // Notifications first: a rerun finds them through their messages.
                if checked.redact {
                    report.notifications += try await store.redactNotifications(ids: notifications)
                    _ = try await store.redactMessages(ids: ids, redaction: redaction)
                } else {
                    report.notifications += try await store.deleteNotifications(ids: notifications)
                    _ = try await store.deleteMessages(ids: ids)
                    _ = try await store.deleteArchived(ids: ids)
                }
                report.notices += try await tell(kind, about: batch, touched: &touched)
                report.purged += batch.count
                report.batches += 1
                await progress(report.purged, max(found.total, report.purged))
                if batch.count == checked.batchSize { try? await Task.sleep(for: checked.pause) }
            }
        }
        // A join that filled a cache while a batch was being purged may have cached some of it.
        for (room, name) in touched { await cache.invalidate(room: room, name: name) }
        logger.info(
            "user's messages purged",
            metadata: [
                "sender_id": "\(checked.sender)", "kind": "\(kind.rawValue)", "purged": "\(report.purged)", "batches": "\(report.batches)",
                "by": "\(moderator)", "reason": "\(checked.reason ?? "")",
            ])
        return report
    }

    /// One notice per room of the batch, naming every message of the batch in that room,
    /// then the cached history this process reaches of those rooms. Returns how many notices.
    private func tell(_ kind: ModerationNotice.Kind, about batch: [Message], touched: inout [ObjectID: String]) async throws -> Int {
        var rooms: [ObjectID] = []
        var ids: [ObjectID: [ObjectID]] = [:]
        for message in batch {
            if ids[message.roomID] == nil { rooms.append(message.roomID) }
            ids[message.roomID, default: []].append(message.id)
            if touched[message.roomID]?.isEmpty ?? true { touched[message.roomID] = message.roomName }
        }
        for room in rooms {
            let name = touched[room] ?? ""
            try await store.recordModerationNotice(ModerationNotice(kind: kind, roomID: room, roomName: name, messageIDs: ids[room] ?? []))
            await cache.invalidate(room: room, name: name)
        }
        return rooms.count
    }

    /// The options with the reason trimmed.
    /// - Throws: `ChatError.invalid("reason", …)`; `ChatError.invalid("until", …)` for an empty
    ///   time range; `ChatError.invalid("batch_size", …)` below 1.
    private func validated(_ options: Options) throws -> Options {
        var checked = options
        checked.reason = try InputRules.validateReason(options.reason)
        if let from = options.from, let to = options.to, from >= to {
            throw ChatError.invalid("until", "until must be later than since")
        }
        guard options.batchSize >= 1 else { throw ChatError.invalid("batch_size", "batch size must be at least 1") }
        return checked
    }
}
