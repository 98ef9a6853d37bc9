import Foundation
import Logging

/// Puts the lines of a room export (JSON Lines, as `ExportRoom` and `RoomExportEncoder`
/// write them) into a room's history (`chatctl rooms import`), keeping each message's id,
/// sender, content, time and, where the room has it free, its number.
///
/// Lines are read in order and stored a batch at a time (`importMessages`: one write per
/// batch), a message whose id the store already holds being skipped, so importing a file
/// twice adds nothing the second time. A line that does not parse, or whose sender is no
/// user (unless unknown senders are allowed), stops the import before its batch is
/// written: the batches before it stay, and once the file is fixed a rerun adds the rest.
public struct ImportRoom: Sendable {
    let store: any ChatStore
    let cache: any RecentMessageCache
    let logger: Logger

    public init(store: any ChatStore, cache: any RecentMessageCache, logger: Logger) {
        self.store = store
        self.cache = cache
        self.logger = logger
    }

    /// The reason kept with the redaction of a line marked redacted (the line does not say
    /// who redacted it, nor why).
    public static let redactionReason = "redacted before export"

    public struct Options: Sendable {
        /// Where the messages go.
        public var room: Room
        /// Import a line whose sender is no user here as it is (its sender id kept).
        public var allowUnknownSenders: Bool
        public var batchSize: Int

        public init(room: Room, allowUnknownSenders: Bool = false, batchSize: Int = 500) {
            self.room = room
            self.allowUnknownSenders = allowUnknownSenders
            self.batchSize = batchSize
        }
    }

    /// What a run did.
    public struct Report: Sendable, Codable, Equatable {
        /// Messages read (blank lines are skipped).
        public var read: Int
        /// Stored by this run.
        public var added: Int
        /// Skipped: already in the store (by id).
        public var alreadyPresent: Int
        public var batches: Int
        /// Messages read whose sender is no user here (imported only when allowed).
        public var unknownSenders: Int
    }

    /// Imports `lines` (each without its line end) into `options.room`; `progress(read)`
    /// after each batch.
    /// - Parameter importer: who does it (`user@host`): the `by` of imported redactions, and the log.
    /// - Throws: `ChatError.invalid("line", "line N: …")` for a line that does not parse;
    ///   `ChatError.invalid("sender_id", "line N: …")` for an unknown sender;
    ///   `ChatError.invalid("batch_size", …)` below 1; what `lines` throws; the store's errors.
    public func callAsFunction<Lines: AsyncSequence>(
        _ lines: Lines, options: Options, by importer: String, progress: @Sendable (Int) async -> Void = { _ in }
    ) async throws -> Report where Lines.Element == String {
        guard options.batchSize >= 1 else { throw ChatError.invalid("batch_size", "batch size must be at least 1") }
        let redaction = Redaction(by: importer, reason: Self.redactionReason)
        var report = Report(read: 0, added: 0, alreadyPresent: 0, batches: 0, unknownSenders: 0)
        var senders = SenderCheck(store: store)
        var batch: [Message] = []
        var number = 0
        for try await text in lines {
            number += 1
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let line = try RoomExportLine.decode(trimmed, line: number)
            // The system sender (`chatctl post --system`) is no user anywhere, and belongs.
            let known = line.senderID == Message.systemSenderID ? true : try await senders.isUser(line.senderID)
            if !known {
                guard options.allowUnknownSenders else {
                    throw ChatError.invalid(
                        "sender_id", "line \(number): sender \(line.senderID) is not a user here (allow unknown senders to import its messages as they are)")
                }
                report.unknownSenders += 1
            }
            batch.append(line.message(in: options.room, redaction: redaction))
            report.read += 1
            if batch.count == options.batchSize {
                try await insert(batch, into: &report)
                batch.removeAll(keepingCapacity: true)
                await progress(report.read)
            }
        }
        if !batch.isEmpty {
            try await insert(batch, into: &report)
            await progress(report.read)
        }
        if report.added > 0 { await cache.invalidate(room: options.room.id, name: options.room.name) }
        logger.info(
            "room imported",
            metadata: [
                "room": "\(options.room.name)", "read": "\(report.read)", "added": "\(report.added)", "already_present": "\(report.alreadyPresent)",
                "by": "\(importer)",
            ])
        return report
    }

    private func insert(_ batch: [Message], into report: inout Report) async throws {
        let added = try await store.importMessages(batch)
        report.added += added
        report.alreadyPresent += batch.count - added
        report.batches += 1
    }

    /// Whether a sender id is a user's, asked of the store once per id.
    struct SenderCheck {
        let store: any UserStore
        private var known: [ObjectID: Bool] = [:]

        init(store: any UserStore) { self.store = store }

        mutating func isUser(_ id: ObjectID) async throws -> Bool {
            if let answer = known[id] { return answer }
            let answer = try await store.user(id: id) != nil
            known[id] = answer
            return answer
        }
    }
}
