import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl messages redact ID [--reason R] [--yes] [--json]`.
struct MessagesRedact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact", abstract: "Remove one message's content but keep its place; tell its room's live sockets.",
        discussion: """
            The message keeps its id, seq, room, sender and time; its content becomes empty and it \
            is marked redacted (when, by whom, why), in the room's history and in archived_messages \
            alike; the notifications members got for it are emptied. History and resume frames \
            show it as {"type":"message","content":"","redacted":true,…}. Every running chat node \
            sends the room's sockets {"type":"redacted","id":…} within about a second and drops its \
            cached history of the room (the Go service's cache entry too). A message redacted before \
            keeps its first redaction; running it again finishes what a failure left undone. Asks \
            for confirmation on a terminal; needs --yes otherwise.
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var message: MessageIDArgument

    @Option(name: .long, help: ArgumentHelp("Why (at most 500 bytes; kept with the redaction and in the audit trail, never sent to clients).", valueName: "text"))
    var reason: String?

    @OptionGroup var confirmation: ConfirmationOption

    @OptionGroup var format: JSONOption

    func run() async throws {
        let id = try message.objectID()
        try await OperatorSession.runAudited(global, "messages redact", target: id.hex, arguments: reason.map { ["reason": $0] } ?? [:]) { session in
            let moderation = MessageIDArgument.moderation(in: session)
            let found = MessageRow(try await MessageIDArgument.find(id, with: moderation))
            try confirmation.require("Remove the content of message \(found.id) by \(found.sender) in \(found.room) (\(found.preview()))?")
            let outcome = try await moderation.redact(id: id, reason: reason, by: AuditActor.current().description)
            if format.json {
                try OutputJSON.print(["redacted": AnyEncodable(MessageRow(outcome.message)), "notifications": AnyEncodable(outcome.notifications)])
            } else if outcome.changed {
                print("redacted message \(found.id) in room \(found.room); its live sockets are told within a second")
            } else {
                print("message \(found.id) was already redacted; its room's sockets are told again")
            }
        }
    }
}
