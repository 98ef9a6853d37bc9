import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl messages delete ID [--reason R] [--yes] [--json]`.
struct MessagesDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete one message, live or archived, and tell its room's live sockets.",
        discussion: """
            The message goes from the room's history and from archived_messages, and the \
            notifications members got for it go too. Every running chat node sends the room's \
            sockets {"type":"deleted","id":…} within about a second and drops its cached history \
            of the room (the Go service's cache entry too). Asks for confirmation on a terminal; \
            needs --yes otherwise. The reason goes to the audit trail, never to clients.
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var message: MessageIDArgument

    @Option(name: .long, help: ArgumentHelp("Why (at most 500 bytes; kept in the audit trail).", valueName: "text"))
    var reason: String?

    @OptionGroup var confirmation: ConfirmationOption

    @OptionGroup var format: JSONOption

    func run() async throws {
        let id = try message.objectID()
        try await OperatorSession.runAudited(global, "messages delete", target: id.hex, arguments: reason.map { ["reason": $0] } ?? [:]) { session in
            let moderation = MessageIDArgument.moderation(in: session)
            let found = MessageRow(try await MessageIDArgument.find(id, with: moderation))
            try confirmation.require("Delete message \(found.id) by \(found.sender) in \(found.room) (\(found.preview()))?")
            let outcome = try await moderation.delete(id: id, reason: reason, by: AuditActor.current().description)
            if format.json {
                try OutputJSON.print(["deleted": AnyEncodable(MessageRow(outcome.message)), "notifications": AnyEncodable(outcome.notifications)])
            } else {
                print("deleted message \(found.id) from room \(found.room); its live sockets are told within a second")
            }
        }
    }
}
