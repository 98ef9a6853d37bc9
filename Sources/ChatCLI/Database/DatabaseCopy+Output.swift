import ChatCore
import ChatRuntime
import Foundation
import Synchronization

extension DatabaseCopy {
    /// `--json`: where from and to, each collection's counts (and checksums with --verify),
    /// and which collections differ.
    struct Output: Encodable {
        var source: String
        var target: String
        var collections: [Entry]
        var written: Int
        var unchanged: Int
        /// `ok` or `differs`; absent without --verify.
        var verify: String?
        /// The collections whose count or checksum differ (empty without --verify).
        var differing: [String]

        struct Entry: Encodable {
            var name: String
            /// Records read from the source.
            var read: Int
            /// Written into the target (missing or different there).
            var written: Int
            /// Already in the target as in the source.
            var unchanged: Int
            var batches: Int
            /// With --verify: each side's count and SHA-256, and whether they agree.
            var source: CollectionChecksum.Summary?
            var target: CollectionChecksum.Summary?
            var matches: Bool?
        }

        init(plan: StoreCopyPlan, outcome: Outcome) {
            source = plan.sourceName
            target = plan.targetName
            var comparisons: [StoreCollection: VerifyStoreCopy.Comparison] = [:]
            for comparison in outcome.comparisons ?? [] { comparisons[comparison.collection] = comparison }
            collections = outcome.report.collections.map { report in
                let comparison = comparisons[report.collection]
                return Entry(
                    name: report.collection.rawValue, read: report.read, written: report.written, unchanged: report.unchanged, batches: report.batches,
                    source: comparison?.source, target: comparison?.target, matches: comparison?.matches)
            }
            written = outcome.report.written
            unchanged = outcome.report.unchanged
            differing = outcome.differing.map(\.rawValue)
            verify = outcome.comparisons == nil ? nil : (differing.isEmpty ? "ok" : "differs")
        }

        /// For people: a summary line, one row per collection, and the verify's verdict.
        func printText() {
            print("copied \(source) -> \(target): \(written) records written, \(unchanged) already there")
            let verified = verify != nil
            var header = ["COLLECTION", "READ", "WRITTEN", "UNCHANGED"]
            if verified { header += ["VERIFY", "SOURCE", "TARGET"] }
            let rows = collections.map { collection -> [String] in
                var row = [collection.name, "\(collection.read)", "\(collection.written)", "\(collection.unchanged)"]
                if verified {
                    row.append(collection.matches == true ? "ok" : "DIFFERS")
                    row.append(Self.describe(collection.source))
                    row.append(Self.describe(collection.target))
                }
                return row
            }
            TextTable.print(header: header, rows: rows)
            if verify == "ok" { print("verify: every collection matches (count and SHA-256)") }
        }

        /// `1234 3fa9c0d1e2b4…`: the count and the checksum's first 12 digits.
        static func describe(_ summary: CollectionChecksum.Summary?) -> String {
            guard let summary else { return "-" }
            return "\(summary.count) \(summary.sha256.prefix(12))…"
        }
    }
}

/// The copy's progress on a terminal's stderr: one line per collection (each with its
/// own rate and ETA, ended when the collection is done), then one for the verify.
final class CollectionProgress: Sendable {
    private let enabled: Bool
    private let current = Mutex<ProgressLine?>(nil)

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: CopyStore.Progress) {
        switch progress {
        case .started(let collection, let total):
            let line = ProgressLine(enabled: enabled)
            current.withLock { $0 = line }
            line.update(done: 0, total: total, noun: collection.rawValue)
        case .advanced(let collection, let done, let total):
            current.withLock { $0 }?.update(done: done, total: total, noun: collection.rawValue)
        case .finished:
            current.withLock { line in
                line?.finish()
                line = nil
            }
        }
    }

    /// The verify reached `collection`.
    func verifying(_ collection: StoreCollection) {
        let line = current.withLock { line -> ProgressLine in
            if let line { return line }
            let fresh = ProgressLine(enabled: enabled)
            line = fresh
            return fresh
        }
        line.show("verify: \(collection)…")
    }

    func finishVerifying() {
        current.withLock { line in
            line?.finish()
            line = nil
        }
    }
}
