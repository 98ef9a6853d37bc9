import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl archive restore --room R [--from T] [--to T] [--batch-size N] [--json]`.
struct ArchiveRestore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Move a room's archived messages (optionally a time range) back into messages.",
        discussion: "Safe to rerun: each batch is copied back (idempotently), then removed from archived_messages. A later archive run with an older cut-off moves them again, and so does the scheduler's next run for those older than the room's archive age. Holds the archive lock, as archive runs do (exit 1 while another holds it)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @Option(name: .long, help: ArgumentHelp("From this RFC 3339 time (inclusive).", valueName: "time"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("Up to this RFC 3339 time (exclusive).", valueName: "time"))
    var to: String?

    @Option(name: .long, help: ArgumentHelp("Messages per batch (1–10000).", valueName: "n"))
    var batchSize = 1000

    @OptionGroup var format: JSONOption

    func run() async throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
        func time(_ text: String?, _ option: String) throws -> Date? {
            guard let text else { return nil }
            guard let date = RFC3339.date(from: text) else { throw ValidationError("--\(option): '\(text)' is not an RFC 3339 time (2026-01-31T00:00:00Z)") }
            return date
        }
        let (fromDate, toDate) = (try time(from, "from"), try time(to, "to"))
        var arguments = ["batch_size": "\(batchSize)"]
        if let from { arguments["from"] = from }
        if let to { arguments["to"] = to }
        try await OperatorSession.runAudited(global, "archive restore", target: room, arguments: arguments) { session in
            guard let roomID = try await RoomLookup.id(named: room, in: session.backends.store) else { return }
            let progress = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            let restore = RestoreMessages(store: session.backends.store, cache: session.backends.cache)
            let size = batchSize
            // Under the archive lock: a run counting what is due must not see messages coming back.
            let report = try await ArchiveLock(locks: session.backends.locks).holding {
                try await restore(room: roomID, from: fromDate, to: toDate, batchSize: size) { restored in
                    progress.update(done: restored, total: nil, noun: "restored")
                }
            }
            progress.finish()
            if format.json {
                try OutputJSON.print(report)
            } else {
                print("restored \(report.restored) messages to room \(room) in \(report.batches) batches")
            }
        }
    }
}
