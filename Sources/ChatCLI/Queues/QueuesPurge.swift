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

    @OptionGroup var confirmation: ConfirmationOption

    @OptionGroup var format: JSONOption

    func run() async throws {
        let settings = try await global.loadSettings()
        let admin = try QueueAdmin(settings: settings)
        defer { admin.close() }
        try await OperatorSession.runAudited(settings: settings, "queues purge", target: queue) { _ in
            let ready = try await admin.status(of: queue).ready
            guard let ready else { throw RuntimeError("queue '\(queue)' does not exist on the broker") }
            try confirmation.require("Delete the \(ready) ready messages of queue \(queue)?")
            let purged = try await admin.purge(queue)
            if format.json { try OutputJSON.print(["queue": AnyEncodable(queue), "purged": AnyEncodable(purged)]) } else { print("purged \(purged) messages from \(queue)") }
        }
    }
}
