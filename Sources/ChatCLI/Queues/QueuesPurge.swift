import ArgumentParser
import ChatRuntime
import Foundation

/// `chatctl queues purge QUEUE [--yes]`.
struct QueuesPurge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete every ready message of a queue (asks first on a terminal; --yes otherwise).",
        discussion: "Messages being handled by a consumer (unacknowledged) are not removed. Exit code 1 when not confirmed."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The queue, e.g. send_notification.dead.", valueName: "queue"))
    var queue: String

    @Flag(name: .long, help: "Do not ask: purge.")
    var yes = false

    @OptionGroup var format: JSONOption

    func run() async throws {
        let admin = try QueueAdmin(settings: try await global.loadSettings())
        defer { admin.close() }
        let ready = try await admin.status(of: queue).ready
        guard let ready else { throw RuntimeError("queue '\(queue)' does not exist on the broker") }
        try Confirmation.require(yes: yes, question: "Delete the \(ready) ready messages of queue \(queue)?")
        let purged = try await admin.purge(queue)
        if format.json { try OutputJSON.print(["queue": AnyEncodable(queue), "purged": AnyEncodable(purged)]) } else { print("purged \(purged) messages from \(queue)") }
    }
}

/// Destructive commands: ask on a terminal, demand --yes otherwise.
enum Confirmation {
    static func require(yes: Bool, question: String) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw RuntimeError("\(question) Not confirmed: pass --yes (stdin is not a terminal)")
        }
        FileHandle.standardError.write(Data("\(question) Type yes to confirm: ".utf8))
        guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else { throw RuntimeError("not confirmed; nothing changed") }
    }
}
