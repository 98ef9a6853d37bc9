import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl archive [run] [--older-than 30d] [--dry-run] [--room R] [--batch-size N] [--limit N] [--pause-ms N] [--json]`.
struct ArchiveRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Archive and delete what is due now, as the scheduler does, or move messages older than a cut-off (the default subcommand).",
        discussion: """
            Without --older-than: the scheduler's archive run, now — each room's messages archived at \
            the room's own age, then its archived messages past its retention deleted (rooms set \
            --archive-after/--retention; defaults scheduler.archive_older_than and retention.default, \
            from this command's configuration); archive plan shows it beforehand. With --older-than: \
            every message older than the cut-off (in every room, or --room) is moved and nothing is \
            deleted. Either way the run holds the archive lock the scheduler takes (a lease in the \
            store, or Redis with redis.uri), so the two never run at once: while one holds it the \
            other fails (exit 1) or, for the scheduler, skips its run. Afterwards everything due is \
            counted again: when messages are still due (a store that did not delete them) the \
            command prints what it did, then exits 1 naming the rooms and the counts left.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("How old: 90m, 12h, 30d, 2w, 1d12h, or an RFC 3339 time (absent: each room's own age and retention).", valueName: "age"))
    var olderThan: String?

    @Option(name: .long, help: ArgumentHelp("Only this room (by name).", valueName: "room"))
    var room: String?

    @Option(name: .long, help: ArgumentHelp("Messages per batch (1–10000).", valueName: "n"))
    var batchSize = 1000

    @Option(name: .long, help: ArgumentHelp("Stop after this many messages (with --older-than).", valueName: "n"))
    var limit: Int?

    @Option(name: .long, help: ArgumentHelp("Pause between batches in milliseconds, so a big backlog never starves the chat service.", valueName: "ms"))
    var pauseMs = 50

    @Flag(name: .long, help: "With --older-than: count and size what would move, per room; change nothing (archive plan shows a run by the rooms' ages).")
    var dryRun = false

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard (0...60_000).contains(pauseMs) else { throw ValidationError("--pause-ms must be between 0 and 60000") }
        if olderThan == nil, dryRun {
            throw ValidationError("--dry-run needs --older-than; chatctl archive plan shows what a run by the rooms' own ages would do")
        }
        if olderThan == nil, limit != nil { throw ValidationError("--limit needs --older-than") }
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        guard let olderThan else {
            try await runLifecycle(settings: settings)
            return
        }
        let cutoff: Date
        do {
            cutoff = try AgeCutoff.parse(olderThan)
        } catch let error as ChatError {
            throw ValidationError("--\(error.field ?? "older-than"): \(error.message)")
        }
        var arguments = ["older_than": olderThan, "batch_size": "\(batchSize)"]
        if let limit { arguments["limit"] = "\(limit)" }
        let dryRun = self.dryRun
        try await OperatorSession.runAudited(settings: settings, "archive run", target: room, arguments: arguments, recorded: !dryRun) { session in
            let roomID = try await RoomLookup.id(named: room, in: session.backends.store)
            let options = ArchiveMessages.Options(cutoff: cutoff, room: roomID, batchSize: batchSize, limit: limit, pause: .milliseconds(pauseMs))
            let archive = ArchiveMessages(store: session.backends.store, cache: session.backends.cache)
            let progress = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            let report: ArchiveMessages.Report
            var left: [OldMessageSummary] = []
            if dryRun {
                report = try await archive.dryRun(options)
            } else {
                let outcome = try await ArchiveLock(locks: session.backends.locks).holding { () async throws -> (ArchiveMessages.Report, [OldMessageSummary]) in
                    let done = try await archive(options) { moved, total in progress.update(done: moved, total: total, noun: "moved") }
                    let stillThere = try await archive.left(after: done, options)
                    return (done, stillThere)
                }
                report = outcome.0
                left = outcome.1
            }
            progress.finish()
            let names = try await RoomLookup.names(report.rooms.map(\.roomID) + left.map(\.roomID), in: session.backends.store)
            if format.json {
                try OutputJSON.print(ArchiveOutput(report: report, names: names, left: dryRun ? nil : left))
            } else {
                print(dryRun ? "dry run: nothing changed" : "archived \(report.moved) of \(report.candidates) messages in \(report.batches) batches")
                print("cut-off: \(RFC3339.string(from: cutoff))")
                if !report.rooms.isEmpty {
                    let rows = report.rooms.map { [names[$0.roomID] ?? $0.roomID.hex, "\($0.count)", ByteCount.describe($0.bytes), RFC3339.string(from: $0.oldest)] }
                    TextTable.print(header: ["ROOM", "MESSAGES", "BYTES", "OLDEST"], rows: rows)
                }
            }
            guard left.isEmpty else {
                let rooms = left.map { "\(names[$0.roomID] ?? "deleted room \($0.roomID.hex)"): \($0.count) to archive" }.joined(separator: "; ")
                throw RuntimeError("messages older than the cut-off are still in messages after the run (counted again): \(rooms)")
            }
        }
    }

    /// Without `--older-than`: what the scheduler's archive run does, now.
    private func runLifecycle(settings: Settings) async throws {
        let arguments = ["batch_size": "\(batchSize)", "by": "room ages and retention"]
        try await OperatorSession.runAudited(settings: settings, "archive run", target: room, arguments: arguments) { session in
            let store = session.backends.store
            let roomID = try await RoomLookup.id(named: room, in: store)
            let lifecycle = EnforceLifecycle(store: store, cache: session.backends.cache, locks: session.backends.locks, defaults: settings.lifecycleDefaults)
            let progress = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            let report = try await lifecycle(.init(room: roomID, batchSize: batchSize, pause: .milliseconds(pauseMs))) { done, total in
                progress.update(done: done, total: total, noun: "archived or deleted")
            }
            progress.finish()
            if format.json {
                try OutputJSON.print(LifecycleRunOutput(report))
            } else {
                print("archived \(report.archived) and deleted \(report.deleted) of \(report.plan.archiveCount) + \(report.plan.deleteCount) messages due, in \(report.batches) batches")
                LifecycleOutput.printTable(report.plan.due)
            }
            guard report.left.isEmpty else {
                throw RuntimeError("messages are still due after the run (counted again at its cut-offs): \(LifecycleOutput.leftSummary(report.left))")
            }
        }
    }

    /// `--json` of a run without `--older-than`.
    struct LifecycleRunOutput: Encodable {
        var at: String
        var archived: Int
        var deleted: Int
        var batches: Int
        /// What was due when the run began, per room (only rooms where something was).
        var rooms: [LifecycleOutput.Room]
        /// What is still due after it (empty: it did its job).
        var left: [LifecycleOutput.Room]

        init(_ report: EnforceLifecycle.Report) {
            at = RFC3339.string(from: report.plan.at)
            archived = report.archived
            deleted = report.deleted
            batches = report.batches
            rooms = report.plan.due.map(LifecycleOutput.Room.init)
            left = report.left.map(LifecycleOutput.Room.init)
        }
    }

    struct ArchiveOutput: Encodable {
        var cutoff: String
        var dryRun: Bool
        var candidates: Int
        var moved: Int
        var batches: Int
        var rooms: [Room]
        /// After a run: the rooms with messages older than the cut-off still in `messages` (empty: it did its job).
        var left: [Room]?

        struct Room: Encodable {
            var id: String
            var name: String?
            var messages: Int
            var bytes: Int
            var oldest: String
        }

        init(report: ArchiveMessages.Report, names: [ObjectID: String], left: [OldMessageSummary]? = nil) {
            cutoff = RFC3339.string(from: report.cutoff)
            dryRun = report.dryRun
            candidates = report.candidates
            moved = report.moved
            batches = report.batches
            rooms = report.rooms.map { Room(id: $0.roomID.hex, name: names[$0.roomID], messages: $0.count, bytes: $0.bytes, oldest: RFC3339.string(from: $0.oldest)) }
            self.left = left?.map { Room(id: $0.roomID.hex, name: names[$0.roomID], messages: $0.count, bytes: $0.bytes, oldest: RFC3339.string(from: $0.oldest)) }
        }
    }
}
