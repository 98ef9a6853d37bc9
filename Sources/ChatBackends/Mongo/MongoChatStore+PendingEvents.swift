import ChatCore
import Foundation
import MongoKit

/// Pending events on MongoDB: collection `chatctl_pending_events` keyed by message id.
extension MongoChatStore {
    static let pendingEventsCollection = "chatctl_pending_events"

    public func markEventsPending(_ events: [PendingEvent]) async throws {
        guard !events.isEmpty else { return }
        let documents: [BSONDocument] = events.map { event in
            ["_id": MongoLayout.value(event.messageID), "room_id": MongoLayout.value(event.roomID), "since": MongoLayout.value(event.since)]
        }
        try await mongo {
            do {
                try await collection(Self.pendingEventsCollection).insertMany(documents, ordered: false)
            } catch let error as MongoError where error.kind == .duplicateKey {
                // Already pending: the first time stands.
            }
        }
    }

    public func clearPendingEvents(messageIDs: [ObjectID]) async throws {
        guard !messageIDs.isEmpty else { return }
        _ = try await mongo {
            try await collection(Self.pendingEventsCollection).delete(["_id": ["$in": .array(messageIDs.map(MongoLayout.value))]], many: true)
        }
    }

    /// Each mark is taken with a `findAndModify` conditioned on its old `since`, so of
    /// several nodes claiming at once exactly one gets it.
    public func claimPendingEvents(before: Date, now: Date, limit: Int) async throws -> [PendingEvent] {
        let due = try await pendingEvents(before: before, limit: limit)
        var claimed: [PendingEvent] = []
        try await mongo {
            for event in due {
                let taken = try await collection(Self.pendingEventsCollection).findOneAndUpdate(
                    ["_id": MongoLayout.value(event.messageID), "since": MongoLayout.value(event.since)],
                    ["$set": ["since": MongoLayout.value(now)]])
                if taken != nil { claimed.append(PendingEvent(messageID: event.messageID, roomID: event.roomID, since: now)) }
            }
        }
        return claimed
    }

    public func refreshPendingEvents(messageIDs: [ObjectID], now: Date) async throws {
        guard !messageIDs.isEmpty else { return }
        _ = try await mongo {
            try await collection(Self.pendingEventsCollection).update(
                ["_id": ["$in": .array(messageIDs.map(MongoLayout.value))]], ["$set": ["since": MongoLayout.value(now)]], many: true)
        }
    }

    public func pendingEvents(before: Date, limit: Int) async throws -> [PendingEvent] {
        try await mongo {
            try await collection(Self.pendingEventsCollection).find(
                ["since": ["$lt": MongoLayout.value(before)]], options: .init(sort: ["since": 1, "_id": 1], limit: limit)
            ).map { document in
                PendingEvent(
                    messageID: try MongoLayout.id(document, "_id"), roomID: try MongoLayout.id(document, "room_id"),
                    since: MongoLayout.date(document, "since"))
            }
        }
    }
}
