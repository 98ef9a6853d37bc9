/// Copies every record of one store into another (`chatctl db copy`): collection by
/// collection (`StoreCollection` order), in pages of the source ordered by key.
///
/// Each page is compared with what the target holds under the same keys, and only the
/// records that are missing there or differ are written (an upsert by key, so ids,
/// password hashes, times and `seq` stay as they are). A copy stopped anywhere — a kill,
/// a failure, a cancelled task — is finished by running it again: the pages already
/// there are read, found equal and left alone, and nothing is ever written twice. Records
/// the target holds that the source does not are left there (`VerifyStoreCopy` shows them).
public struct CopyStore: Sendable {
    let source: any StoreTransfer
    let target: any StoreTransfer

    public init(from source: any StoreTransfer, to target: any StoreTransfer) {
        self.source = source
        self.target = target
    }

    /// Records per page when none is asked for.
    public static let defaultBatchSize = 500

    public struct Options: Sendable {
        /// Records per page (read, compared and written together).
        public var batchSize: Int
        /// Between pages, so a copy from a store in use never starves its servers.
        public var pause: Duration
        public var collections: [StoreCollection]

        public init(batchSize: Int = CopyStore.defaultBatchSize, pause: Duration = .zero, collections: [StoreCollection] = StoreCollection.allCases) {
            self.batchSize = batchSize
            self.pause = pause
            self.collections = collections
        }
    }

    /// What happened to one collection.
    public struct CollectionReport: Sendable, Codable, Equatable {
        public var collection: StoreCollection
        /// Records read from the source.
        public var read: Int
        /// Written into the target: missing there, or different.
        public var written: Int
        /// Already in the target as in the source (copied by an earlier run).
        public var unchanged: Int
        public var batches: Int

        public init(collection: StoreCollection, read: Int = 0, written: Int = 0, unchanged: Int = 0, batches: Int = 0) {
            self.collection = collection
            self.read = read
            self.written = written
            self.unchanged = unchanged
            self.batches = batches
        }
    }

    /// Every collection's report, in copy order.
    public struct Report: Sendable, Codable, Equatable {
        public var collections: [CollectionReport]

        public var written: Int { collections.reduce(0) { $0 + $1.written } }
        public var unchanged: Int { collections.reduce(0) { $0 + $1.unchanged } }
    }

    /// Where a copy is, for a progress line.
    public enum Progress: Sendable {
        /// A collection begins; `total` is the source's count.
        case started(StoreCollection, total: Int)
        /// A page is done.
        case advanced(StoreCollection, done: Int, total: Int)
        case finished(CollectionReport)
    }

    /// Copies `options.collections`; `progress` after every step.
    /// - Throws: `ChatError.invalid("batch_size", …)` below 1; `StoreCopyError` naming the
    ///   collection and the side that failed (rerun to finish); `CancellationError`.
    public func callAsFunction(_ options: Options = Options(), progress: @Sendable (Progress) async -> Void = { _ in }) async throws -> Report {
        guard options.batchSize >= 1 else { throw ChatError.invalid("batch_size", "batch size must be at least 1") }
        var reports: [CollectionReport] = []
        for collection in options.collections {
            try Task.checkCancellation()
            let total = try await StoreCopyError.naming(collection, .readingSource) { try await source.recordCount(of: collection) }
            await progress(.started(collection, total: total))
            var report = CollectionReport(collection: collection)
            var after: String?
            while true {
                try Task.checkCancellation()
                let page = try await StoreCopyError.naming(collection, .readingSource) {
                    try await source.records(of: collection, after: after, limit: options.batchSize)
                }
                guard let last = page.lastKey else { break }
                if let after, last <= after {
                    throw StoreCopyError(collection: collection, stage: .readingSource, reason: "the source returned records out of key order after \(after)")
                }
                let entries = page.entries
                let present = try await StoreCopyError.naming(collection, .readingTarget) {
                    try await target.records(of: collection, keys: entries.map(\.key))
                }
                var there: [String: RecordEntry] = [:]
                for entry in present.entries { there[entry.key] = entry }
                let missing = Set(entries.filter { entry in there[entry.key].map { !entry.isCopied(in: $0) } ?? true }.map(\.key))
                if !missing.isEmpty {
                    try await StoreCopyError.naming(collection, .writingTarget) { try await target.upsert(page.keeping(missing)) }
                }
                report.read += page.count
                report.written += missing.count
                report.unchanged += page.count - missing.count
                report.batches += 1
                await progress(.advanced(collection, done: report.read, total: max(total, report.read)))
                after = last
                guard page.count >= options.batchSize else { break }
                if options.pause > .zero { try await Task.sleep(for: options.pause) }
            }
            await progress(.finished(report))
            reports.append(report)
        }
        return Report(collections: reports)
    }
}

/// A copy or a verify that failed: which collection, on which side, and why. Rerunning
/// the copy finishes it.
public struct StoreCopyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step that failed.
    public enum Stage: String, Sendable, Equatable {
        case readingSource = "reading the source"
        case readingTarget = "reading the target"
        case writingTarget = "writing the target"
    }

    public var collection: StoreCollection
    public var stage: Stage
    /// The store's own words (a `ChatError`'s message and detail).
    public var reason: String

    public init(collection: StoreCollection, stage: Stage, reason: String) {
        self.collection = collection
        self.stage = stage
        self.reason = reason
    }

    public var description: String { "\(collection): \(stage.rawValue) failed: \(reason)" }

    /// Runs `body`, naming `collection` and `stage` in any failure but a cancellation.
    static func naming<Result>(_ collection: StoreCollection, _ stage: Stage, _ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as CancellationError {
            throw error
        } catch let error as StoreCopyError {
            throw error
        } catch {
            throw StoreCopyError(collection: collection, stage: stage, reason: "\(error)")
        }
    }
}
