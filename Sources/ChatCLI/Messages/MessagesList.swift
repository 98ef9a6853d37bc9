import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl messages list ROOM [--sender USER] [--limit N] [--json]`.
struct MessagesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "A room's most recent messages, newest first, with their ids (to find what to delete or redact).",
        discussion: "With --sender, only that user's among them. Archived messages are not listed (`messages show ID` finds them).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @Option(name: .long, help: ArgumentHelp("Only this user's messages (username or id).", valueName: "user"))
    var sender: String?

    @Option(name: .long, help: ArgumentHelp("How many of the most recent messages to look at (1–1000).", valueName: "n"))
    var limit = 50

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        let rows = try await OperatorSession.run(global) { session in
            let store = session.backends.store
            guard let found = try await store.room(named: room) else { throw RuntimeError("room '\(room)' does not exist") }
            let author = try await sender.asyncMap { try await UserLookup.user($0, in: store) }
            return try await store.recentMessages(inRoom: found.id, limit: limit)
                .filter { author == nil || $0.senderID == author?.id }
                .map { MessageRow($0) }
        }
        if format.json {
            try OutputJSON.print(["messages": rows])
        } else {
            TextTable.print(
                header: ["ID", "SEQ", "TIME", "SENDER", "CONTENT"],
                rows: rows.map { [$0.id, "\($0.seq)", $0.timestamp, $0.sender, $0.preview()] })
        }
    }
}
