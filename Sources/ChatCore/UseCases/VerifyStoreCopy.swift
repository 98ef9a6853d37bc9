/// Compares two stores collection by collection (`chatctl db copy --verify`): each side's
/// count and checksum (`CollectionChecksum`: SHA-256 over every record's key and
/// canonical fields, in key order), read page by page, so memory stays bounded by a
/// page. A room's sequence counter is not compared (a SQLite store derives it from the
/// messages it holds); everything else a record holds is.
public struct VerifyStoreCopy: Sendable {
    let source: any StoreTransfer
    let target: any StoreTransfer

    public init(source: any StoreTransfer, target: any StoreTransfer) {
        self.source = source
        self.target = target
    }

    /// One collection on both sides.
    public struct Comparison: Sendable, Codable, Equatable {
        public var collection: StoreCollection
        public var source: CollectionChecksum.Summary
        public var target: CollectionChecksum.Summary

        public init(collection: StoreCollection, source: CollectionChecksum.Summary, target: CollectionChecksum.Summary) {
            self.collection = collection
            self.source = source
            self.target = target
        }

        /// Same count and same checksum.
        public var matches: Bool { source == target }
    }

    /// Every collection's comparison, in copy order; `progress(collection)` as each begins.
    /// - Throws: `StoreCopyError` naming the collection and the side that failed;
    ///   `CancellationError`.
    public func callAsFunction(
        collections: [StoreCollection] = StoreCollection.allCases, batchSize: Int = CopyStore.defaultBatchSize,
        progress: @Sendable (StoreCollection) async -> Void = { _ in }
    ) async throws -> [Comparison] {
        guard batchSize >= 1 else { throw ChatError.invalid("batch_size", "batch size must be at least 1") }
        var comparisons: [Comparison] = []
        for collection in collections {
            await progress(collection)
            let sourceSummary = try await Self.checksum(of: collection, in: source, stage: .readingSource, batchSize: batchSize)
            let targetSummary = try await Self.checksum(of: collection, in: target, stage: .readingTarget, batchSize: batchSize)
            comparisons.append(Comparison(collection: collection, source: sourceSummary, target: targetSummary))
        }
        return comparisons
    }

    /// The checksum of one collection of `store`, read in pages.
    public static func checksum(
        of collection: StoreCollection, in store: any StoreTransfer, stage: StoreCopyError.Stage = .readingSource,
        batchSize: Int = CopyStore.defaultBatchSize
    ) async throws -> CollectionChecksum.Summary {
        var checksum = CollectionChecksum()
        var after: String?
        while true {
            try Task.checkCancellation()
            let page = try await StoreCopyError.naming(collection, stage) { try await store.records(of: collection, after: after, limit: batchSize) }
            guard let last = page.lastKey else { break }
            if let after, last <= after {
                throw StoreCopyError(collection: collection, stage: stage, reason: "records came out of key order after \(after)")
            }
            for entry in page.entries.sorted(by: { $0.key < $1.key }) { checksum.add(entry) }
            after = last
            guard page.count >= batchSize else { break }
        }
        return checksum.summary
    }
}
