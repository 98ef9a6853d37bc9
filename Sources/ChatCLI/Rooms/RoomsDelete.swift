import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl rooms delete ROOM [--archive-messages] [--yes]`.
struct RoomsDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a room and its messages (or move them to the archive first).",
        discussion: """
            Messages go first, in batches with a progress line; then the room. Interrupted, it \
            can be run again to finish. With --archive-messages they are moved to \
            archived_messages (what `chatctl archive` does) instead of being deleted. Asks for \
            confirmation on a terminal; needs --yes otherwise. Sockets still joined to the room \
            stay open until they leave.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @Flag(name: .long, help: "Move the room's messages to archived_messages instead of deleting them.")
    var archiveMessages = false

    @OptionGroup var confirmation: ConfirmationOption

    @OptionGroup var format: JSONOption

    func run() async throws {
        try await OperatorSession.runAudited(global, "rooms delete", target: room, arguments: ["archive_messages": "\(archiveMessages)"]) { session in
            let admin = RoomAdministration(store: session.backends.store, cache: session.backends.cache, logger: session.logger)
            let found = try await admin.room(named: room)
            let count = try await session.backends.store.messageCounts(room: found.id).live
            let fate = archiveMessages ? "archive its \(count) messages" : "delete its \(count) messages for good"
            try confirmation.require("Delete room \(found.name) and \(fate)?")
            let line = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            let noun = archiveMessages ? "archived" : "deleted"
            let report = try await admin.delete(found, archiveMessages: archiveMessages) { done, total in
                line.update(done: done, total: total, noun: noun)
            }
            line.finish()
            if format.json {
                try OutputJSON.print(report)
            } else {
                print("deleted room \(report.room); messages archived \(report.archived), deleted \(report.deleted)")
            }
        }
    }
}
