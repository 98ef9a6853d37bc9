import ChatCore
import Foundation

/// A message store two services write, as MongoDB is behind a mixed deployment:
/// chatctl's messages carry a room sequence number, the Go service's none (0). It answers
/// as `MongoChatStore` does — history newest first by time, resume by number for
/// chatctl's messages and by time (ties by id) for the Go service's — and stores what a
/// test adds as given, so a test can write either kind, late or out of order.
actor MixedWriterStore: MessageStore {
    private var stored: [Message] = []

    /// Stores `message` as it is (its number; 0 for a Go-written one).
    func add(_ message: Message) { stored.append(message) }

    func insertMessages(_ messages: [Message]) async throws -> [Message] {
        messages.map { message in
            var copy = message
            copy.sequence = (stored.filter { $0.roomID == message.roomID }.map(\.sequence).max() ?? 0) + 1
            stored.append(copy)
            return copy
        }
    }

    func message(id: ObjectID, inRoom roomID: ObjectID) async throws -> Message? {
        stored.first { $0.id == id && $0.roomID == roomID }
    }

    func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message] {
        Array(
            stored.filter { $0.roomID == roomID }.sorted { ($0.timestamp, $0.sequence, $0.id) > ($1.timestamp, $1.sequence, $1.id) }.prefix(limit))
    }

    func newestMessageID(inRoom roomID: ObjectID) async throws -> ObjectID? {
        try await recentMessages(inRoom: roomID, limit: 1).first?.id
    }

    func messages(inRoom roomID: ObjectID, afterSequence sequence: Int64, limit: Int) async throws -> [Message] {
        Array(stored.filter { $0.roomID == roomID && $0.sequence > 0 && $0.sequence > sequence }.sorted { $0.sequence < $1.sequence }.prefix(limit))
    }

    /// `MongoChatStore`'s filter: numbered messages after `last`'s number and unnumbered ones
    /// after it by time when `last` has a number; everything after it by time otherwise.
    func messages(inRoom roomID: ObjectID, after last: Message, limit: Int) async throws -> [Message] {
        let matching = stored.filter { message in
            guard message.roomID == roomID else { return false }
            let laterByTime = (message.timestamp, message.id) > (last.timestamp, last.id)
            guard last.sequence > 0 else { return laterByTime }
            return message.sequence > 0 ? message.sequence > last.sequence : laterByTime
        }
        return Array(matching.sorted { ($0.timestamp, $0.sequence, $0.id) < ($1.timestamp, $1.sequence, $1.id) }.prefix(limit))
    }
}
