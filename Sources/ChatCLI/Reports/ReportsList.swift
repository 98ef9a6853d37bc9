import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl reports [list] [--open] [--room NAME] [--limit N] [--json]`.
struct ReportsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Members' reports of messages, newest first (the default subcommand).",
        discussion: """
            Each report with its id (for reports resolve), when it was made, the room, the \
            reporter, the message's id and an excerpt of its content ((redacted) once redacted, \
            (deleted) once gone), the reporter's reason and its status: open, or the action taken \
            and by whom. A room, user or message that no longer exists is shown by its id or as \
            gone: a report outlives them.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .customLong("open"), help: "Only reports nobody resolved yet.")
    var openOnly = false

    @Option(name: .long, help: ArgumentHelp("Only reports of messages in this room (by name).", valueName: "room"))
    var room: String?

    @Option(name: .long, help: ArgumentHelp("At most this many reports (1–10000).", valueName: "n"))
    var limit = 100

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
    }

    func run() async throws {
        let rows = try await OperatorSession.run(global) { session in
            let store = session.backends.store
            let roomID = try await RoomLookup.id(named: room, in: store)
            let reports = try await store.reports(ReportQuery(openOnly: openOnly, roomID: roomID, limit: limit))
            return try await ReportRow.rows(reports, in: store)
        }
        if format.json {
            try OutputJSON.print(["reports": rows])
            return
        }
        guard !rows.isEmpty else {
            print(openOnly ? "no open reports" : "no reports")
            return
        }
        TextTable.print(header: ReportRow.header, rows: rows.map(\.cells))
    }
}
