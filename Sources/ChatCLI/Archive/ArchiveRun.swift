import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl archive [run] --older-than 30d [--dry-run] [--room R] [--batch-size N] [--limit N] [--pause-ms N] [--json]`.
struct ArchiveRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Move messages older than a cut-off to archived_messages (the default subcommand)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("How old: 90m, 12h, 30d, 2w, 1d12h, or an RFC 3339 time.", valueName: "age"))
    var olderThan: String

    @Option(name: .long, help: ArgumentHelp("Only this room (by name).", valueName: "room"))
    var room: String?

    @Option(name: .long, help: ArgumentHelp("Messages per batch (1–10000).", valueName: "n"))
    var batchSize = 1000

    @Option(name: .long, help: ArgumentHelp("Stop after this many messages.", valueName: "n"))
    var limit: Int?

    @Option(name: .long, help: ArgumentHelp("Pause between batches in milliseconds, so a big backlog never starves the chat service.", valueName: "ms"))
    var pauseMs = 50

    @Flag(name: .long, help: "Count and size what would move, per room; change nothing.")
    var dryRun = false

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard (0...60_000).contains(pauseMs) else { throw ValidationError("--pause-ms must be between 0 and 60000") }
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let cutoff: Date
        do {
            cutoff = try AgeCutoff.parse(olderThan)
        } catch let error as ChatError {
            throw ValidationError("--\(error.field ?? "older-than"): \(error.message)")
        }
        var arguments = ["older_than": olderThan, "batch_size": "\(batchSize)"]
        if let limit { arguments["limit"] = "\(limit)" }
        try await OperatorSession.runAudited(settings: settings, "archive run", target: room, arguments: arguments, recorded: !dryRun) { session in
            let roomID = try await RoomLookup.id(named: room, in: session.backends.store)
            let options = ArchiveMessages.Options(cutoff: cutoff, room: roomID, batchSize: batchSize, limit: limit, pause: .milliseconds(pauseMs))
            let archive = ArchiveMessages(store: session.backends.store, cache: session.backends.cache)
            let progress = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            let report = try await dryRun ? archive.dryRun(options) : archive(options) { moved, total in progress.update(done: moved, total: total, noun: "moved") }
            progress.finish()
            let names = try await RoomLookup.names(report.rooms.map(\.roomID), in: session.backends.store)
            if format.json {
                try OutputJSON.print(ArchiveOutput(report: report, names: names))
                return
            }
            print(dryRun ? "dry run: nothing changed" : "archived \(report.moved) of \(report.candidates) messages in \(report.batches) batches")
            print("cut-off: \(RFC3339.string(from: cutoff))")
            if !report.rooms.isEmpty {
                let rows = report.rooms.map { [names[$0.roomID] ?? $0.roomID.hex, "\($0.count)", ByteCount.describe($0.bytes), RFC3339.string(from: $0.oldest)] }
                TextTable.print(header: ["ROOM", "MESSAGES", "BYTES", "OLDEST"], rows: rows)
            }
        }
    }

    struct ArchiveOutput: Encodable {
        var cutoff: String
        var dryRun: Bool
        var candidates: Int
        var moved: Int
        var batches: Int
        var rooms: [Room]

        struct Room: Encodable {
            var id: String
            var name: String?
            var messages: Int
            var bytes: Int
            var oldest: String
        }

        init(report: ArchiveMessages.Report, names: [ObjectID: String]) {
            cutoff = RFC3339.string(from: report.cutoff)
            dryRun = report.dryRun
            candidates = report.candidates
            moved = report.moved
            batches = report.batches
            rooms = report.rooms.map { Room(id: $0.roomID.hex, name: names[$0.roomID], messages: $0.count, bytes: $0.bytes, oldest: RFC3339.string(from: $0.oldest)) }
        }
    }
}
