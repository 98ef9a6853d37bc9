import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl db copy --to ADDRESS | --from ADDRESS [--database D] [--batch-size N]
/// [--pause-ms MS] [--verify] [--json]`.
struct DatabaseCopy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every record from one store to another (SQLite to MongoDB and back), resumable, with --verify.",
        discussion: """
            --to ADDRESS copies the configured store there; --from ADDRESS copies from there into \
            the configured store; both name both. An ADDRESS is mongodb://HOST[:PORT]/… (its \
            database is --database, else mongo.database: DATABASE_NAME, chat_app by default) or \
            sqlite:PATH (a SQLite file, created on a target). A copy onto the same store is refused.

            Copied: users (password hashes, disables, bans), rooms (members, rules, the room's \
            own archive age and retention, each room's sequence counter, so posts on the target \
            continue after the copied seq), room mutes, messages (ids, timestamps, seq, client \
            ids, redactions), archived messages, notifications, message reports (open and \
            resolved, with the resolution), the audit trail and the moderation notices. Not \
            copied: node records, leases, session ends and pending-event marks (the running \
            processes' own state).

            Collection by collection, in pages ordered by id (--batch-size records each), with a \
            progress line per collection on a terminal. Each page is compared with what the \
            target holds under the same ids and only what is missing or different is written, by \
            id (an upsert): interrupted anywhere, even by kill -9, a copy is finished by running \
            it again, which writes nothing twice. Records only the target holds are left there. \
            Stop the serving processes (or at least their writes) for the last run, so nothing \
            changes meanwhile.

            --verify then compares both stores per collection: the count and a SHA-256 over every \
            record's id and fields in id order; it exits 1 naming every collection that differs. \
            The copy is recorded in the audit trail of both stores (the same record).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The store to copy into: mongodb://… or sqlite:PATH (default: the configured store).", valueName: "address"))
    var to: String?

    @Option(name: .long, help: ArgumentHelp("The store to copy from: mongodb://… or sqlite:PATH (default: the configured store).", valueName: "address"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("The MongoDB database of --to/--from (default: mongo.database, chat_app).", valueName: "name"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Records per page (1–10000).", valueName: "n"))
    var batchSize = CopyStore.defaultBatchSize

    @Option(name: .long, help: ArgumentHelp("Pause between pages in milliseconds, so a copy from a store in use never starves its servers.", valueName: "ms"))
    var pauseMs = 0

    @Flag(name: .long, help: "Then compare both stores (count and SHA-256 per collection); exit 1 naming each collection that differs.")
    var verify = false

    @OptionGroup var format: JSONOption

    static let command = "db copy"

    func validate() throws {
        guard to != nil || from != nil else { throw ValidationError("give --to ADDRESS or --from ADDRESS (mongodb://… or sqlite:PATH)") }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
        guard (0...60_000).contains(pauseMs) else { throw ValidationError("--pause-ms must be between 0 and 60000") }
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let plan: StoreCopyPlan
        do throws(StoreCopyPlan.Refusal) {
            plan = try StoreCopyPlan.resolve(settings: settings, from: from, to: to, database: database)
        } catch {
            throw ValidationError(error.description)
        }
        let logger = OperatorLog.logger(settings)
        let stores = try await StoreCopyStores.open(plan)
        let outcome = try await withClosing(stores, close: { await $0.close() }) { stores in
            try await copy(plan: plan, stores: stores, trail: AuditTrail(log: stores.auditLog, actor: AuditActor.current(), logger: logger))
        }
        let output = Output(plan: plan, outcome: outcome)
        if format.json {
            try OutputJSON.print(output)
        } else {
            output.printText()
        }
        guard output.differing.isEmpty else {
            FileHandle.standardError.write(Data((
                "verify: \(output.differing.count) collection(s) differ: \(output.differing.joined(separator: ", ")) "
                    + "(an interrupted copy is finished by running it again; records only the target holds are left there)\n").utf8))
            throw ExitCode.failure
        }
    }

    /// The copy and the verify as one audit record; a verify that finds a difference is
    /// recorded as the command's failure, and its outcome is still returned for printing.
    private func copy(plan: StoreCopyPlan, stores: StoreCopyStores, trail: AuditTrail) async throws -> Outcome {
        let progress = CollectionProgress(enabled: !format.json && isatty(STDERR_FILENO) == 1)
        let arguments = ["source": plan.sourceName, "batch_size": "\(batchSize)", "verify": "\(verify)"]
        let options = CopyStore.Options(batchSize: batchSize, pause: .milliseconds(pauseMs))
        do {
            return try await trail.recording(Self.command, target: plan.targetName, arguments: arguments) { () async throws -> Outcome in
                let copier = CopyStore(from: stores.source, to: stores.target)
                let report = try await copier(options) { progress.show($0) }
                guard verify else { return Outcome(report: report, comparisons: nil) }
                let verifier = VerifyStoreCopy(source: stores.source, target: stores.target)
                let comparisons = try await verifier(batchSize: batchSize) { collection in progress.verifying(collection) }
                progress.finishVerifying()
                let outcome = Outcome(report: report, comparisons: comparisons)
                if !outcome.differing.isEmpty { throw VerifyMismatch(outcome: outcome) }
                return outcome
            }
        } catch let mismatch as VerifyMismatch {
            return mismatch.outcome
        }
    }

    /// What a run did, and what its verify found (nil: not asked).
    struct Outcome: Sendable {
        var report: CopyStore.Report
        var comparisons: [VerifyStoreCopy.Comparison]?

        /// The collections whose count or checksum differ.
        var differing: [StoreCollection] { (comparisons ?? []).filter { !$0.matches }.map(\.collection) }
    }

    /// The verify found a difference: recorded as the command's failure.
    struct VerifyMismatch: Error, CustomStringConvertible {
        var outcome: Outcome

        var description: String {
            "the target differs from the source after the copy: \(outcome.differing.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
