import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl rooms export ROOM [--from T] [--to T] [--include-archived] [--format jsonl|csv] [--output FILE] [--json]`.
struct RoomsExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a room's messages, oldest first, one per line (JSON Lines or CSV).",
        discussion: """
            Each line is one message: id, seq (left out, or empty in CSV, for a message without \
            one), room, sender_id, sender (its username; empty for a deleted user), content \
            (empty for a redacted message), timestamp (RFC 3339, milliseconds) and redacted. \
            JSON Lines (the default) is what `chatctl rooms import` reads; CSV (RFC 4180) has a \
            header row, CRLF line ends and quotes where a field needs them. Messages come oldest \
            first by time, then id, from --from (inclusive) to --to (exclusive), each an age \
            (90m, 12h, 7d) or an RFC 3339 time; with --include-archived the room's messages in \
            archived_messages are merged in (one in both, half-way through archiving, once).

            Written as it is read, a page at a time: to standard output, or with --output to \
            FILE, written under a temporary name beside it and renamed into place once complete. \
            A progress line shows on a terminal's stderr. Read-only: nothing is recorded in the \
            audit trail.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @Option(name: .long, help: ArgumentHelp("Only messages from then on (inclusive): 90m, 12h, 7d ago, or an RFC 3339 time.", valueName: "time"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("Only messages before then (exclusive): 90m, 12h, 7d ago, or an RFC 3339 time.", valueName: "time"))
    var to: String?

    @Flag(name: .long, help: "Also the room's messages in archived_messages, merged in time order.")
    var includeArchived = false

    @Option(name: .customLong("format"), help: ArgumentHelp("jsonl (what rooms import reads) or csv.", valueName: "format"))
    var lineFormat = RoomExportFormat.jsonl.rawValue

    @Option(name: .long, help: ArgumentHelp("Write to this file (replaced once complete) instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var summary: JSONOption

    func validate() throws {
        guard RoomExportFormat(rawValue: lineFormat) != nil else { throw ValidationError("--format must be jsonl or csv, not '\(lineFormat)'") }
        if summary.json, output == nil || output == "-" {
            throw ValidationError("--json needs --output FILE: without it standard output carries the export itself")
        }
    }

    func run() async throws {
        let fromDate = try TimeArgument.parse(from, option: "from")
        let toDate = try TimeArgument.parse(to, option: "to")
        if let fromDate, let toDate, fromDate >= toDate { throw ValidationError("--to must be later than --from") }
        let format = RoomExportFormat(rawValue: lineFormat) ?? .jsonl
        let result = try await OperatorSession.run(global) { session -> Summary in
            guard let found = try await session.backends.store.room(named: room) else {
                throw RuntimeError("room '\(room)' does not exist (chatctl rooms list shows them)")
            }
            let file = try ExportFile(path: output)
            let encoder = RoomExportEncoder(format: format)
            let progress = ProgressLine(enabled: !summary.json && isatty(STDERR_FILENO) == 1)
            let report: ExportRoom.Report
            do {
                try file.write(format.header)
                report = try await ExportRoom(store: session.backends.store)(
                    ExportRoom.Options(room: found.id, from: fromDate, to: toDate, includeArchived: includeArchived),
                    line: { try file.write(try encoder.encode($0)) }
                ) { done, total in progress.update(done: done, total: total, noun: "exported") }
                try file.commit()
            } catch {
                progress.finish()
                file.discard()
                throw error
            }
            progress.finish()
            return Summary(room: found.name, output: file.path, format: format.rawValue, bytes: file.bytes, report: report)
        }
        guard let path = result.output else { return }
        if summary.json {
            try OutputJSON.print(result)
        } else {
            print(
                "exported \(result.exported) messages of room \(result.room) to \(path) (\(result.format), \(result.bytes) bytes; "
                    + "\(result.live) live, \(result.archived) archived)")
        }
    }

    /// `--json`: where the export went and what it holds.
    struct Summary: Encodable {
        var room: String
        var output: String?
        var format: String
        var bytes: Int
        var exported: Int
        var live: Int
        var archived: Int

        init(room: String, output: String?, format: String, bytes: Int, report: ExportRoom.Report) {
            self.room = room
            self.output = output
            self.format = format
            self.bytes = bytes
            exported = report.exported
            live = report.live
            archived = report.archived
        }
    }
}
