import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl rooms import ROOM FILE [--allow-unknown-senders] [--batch-size N] [--json]`.
struct RoomsImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add the messages of a `rooms export` file (JSON Lines) to a room's history, keeping their ids, times and seq.",
        discussion: """
            Each line's message goes into ROOM (which must exist: chatctl rooms create) with \
            its id, sender_id, content, timestamp and redaction mark; its seq is kept where the \
            room has that number free, else it takes the room's next one, and later posts are \
            numbered after every number kept. A message whose id the store already holds (in \
            the history or the archive) is skipped, so importing a file again adds nothing. \
            Each sender_id must be a user's, else the line is an error naming it, unless \
            --allow-unknown-senders (the message keeps its sender id; its sender shows with \
            no name). Lines are stored in batches (one write each); a line that does not parse \
            stops the import, naming its number, with the batches before it stored: fix the \
            line and run it again to add the rest. FILE may be - for standard input. A \
            progress line shows on a terminal's stderr; the import is recorded in the audit trail.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @Argument(help: ArgumentHelp("The export (JSON Lines), or - for standard input.", valueName: "file"))
    var file: String

    @Flag(name: .long, help: "Import messages whose sender is no user here, as they are.")
    var allowUnknownSenders = false

    @Option(name: .long, help: ArgumentHelp("Messages per batch (1–10000).", valueName: "n"))
    var batchSize = 500

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
    }

    func run() async throws {
        let arguments = ["file": file, "allow_unknown_senders": "\(allowUnknownSenders)", "batch_size": "\(batchSize)"]
        let report = try await OperatorSession.runAudited(global, "rooms import", target: room, arguments: arguments) { session in
            guard let found = try await session.backends.store.room(named: room) else {
                throw RuntimeError("room '\(room)' does not exist (create it first: chatctl rooms create \(room))")
            }
            let handle: FileHandle
            if file == "-" {
                handle = FileHandle.standardInput
            } else {
                guard let opened = FileHandle(forReadingAtPath: file) else { throw RuntimeError("cannot read \(file)") }
                handle = opened
            }
            defer { if file != "-" { try? handle.close() } }
            let progress = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            defer { progress.finish() }
            return try await ImportRoom(store: session.backends.store, cache: session.backends.cache, logger: session.logger)(
                FileLines(handle: handle),
                options: ImportRoom.Options(room: found, allowUnknownSenders: allowUnknownSenders, batchSize: batchSize),
                by: AuditActor.current().description
            ) { read in progress.update(done: read, total: nil, noun: "read") }
        }
        if format.json {
            try OutputJSON.print(Output(room: room, file: file, report: report))
        } else {
            print(
                "imported \(report.added) messages into room \(room) from \(file): \(report.read) read, \(report.alreadyPresent) already present"
                    + (report.unknownSenders > 0 ? ", \(report.unknownSenders) from senders who are no users here" : ""))
        }
    }

    /// `--json`: what was read and what was added.
    struct Output: Encodable {
        var room: String
        var file: String
        var read: Int
        var added: Int
        var alreadyPresent: Int
        var batches: Int
        var unknownSenders: Int

        init(room: String, file: String, report: ImportRoom.Report) {
            self.room = room
            self.file = file
            read = report.read
            added = report.added
            alreadyPresent = report.alreadyPresent
            batches = report.batches
            unknownSenders = report.unknownSenders
        }
    }
}
