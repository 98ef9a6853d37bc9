import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl report …`: read-only reports.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Read-only reports on the store.",
        discussion: """
            report old-messages counts, per room, the messages archiving would move. Members' \
            reports of messages (POST /api/message/report/) are another command: `chatctl \
            reports list|resolve`.
            """,
        subcommands: [ReportOldMessages.self]
    )
}

/// `chatctl report old-messages --older-than 30d [--room R] [--json]`.
struct ReportOldMessages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "old-messages",
        abstract: "Per room: how many messages are older than a cut-off, their size and the oldest."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("How old: 90m, 12h, 30d, 2w, 1d12h, or an RFC 3339 time.", valueName: "age"))
    var olderThan: String

    @Option(name: .long, help: ArgumentHelp("Only this room (by name).", valueName: "room"))
    var room: String?

    @OptionGroup var format: JSONOption

    func run() async throws {
        let cutoff: Date
        do {
            cutoff = try AgeCutoff.parse(olderThan)
        } catch let error as ChatError {
            throw ValidationError("--\(error.field ?? "older-than"): \(error.message)")
        }
        try await OperatorSession.run(global) { session in
            let roomID = try await RoomLookup.id(named: room, in: session.backends.store)
            let report = try await ArchiveMessages(store: session.backends.store, cache: session.backends.cache).dryRun(.init(cutoff: cutoff, room: roomID))
            let names = try await RoomLookup.names(report.rooms.map(\.roomID), in: session.backends.store)
            if format.json {
                try OutputJSON.print(ArchiveRun.ArchiveOutput(report: report, names: names))
                return
            }
            print("\(report.candidates) messages older than \(RFC3339.string(from: cutoff))")
            let rows = report.rooms.map { [names[$0.roomID] ?? $0.roomID.hex, "\($0.count)", ByteCount.describe($0.bytes), RFC3339.string(from: $0.oldest)] }
            if !rows.isEmpty { TextTable.print(header: ["ROOM", "MESSAGES", "BYTES", "OLDEST"], rows: rows) }
        }
    }
}
