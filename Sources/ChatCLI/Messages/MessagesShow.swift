import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl messages show ID [--json]`.
struct MessagesShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One message, live or archived: room, sender, time, seq, content, and its redaction if any.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var message: MessageIDArgument

    @OptionGroup var format: JSONOption

    func run() async throws {
        let id = try message.objectID()
        let found = try await OperatorSession.run(global) { session in
            try await MessageIDArgument.find(id, with: MessageIDArgument.moderation(in: session))
        }
        let row = MessageRow(found)
        if format.json {
            try OutputJSON.print(row)
        } else {
            row.lines.forEach { print($0) }
        }
    }
}
