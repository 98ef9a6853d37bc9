import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl users delete USER [--yes]`.
struct UsersDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a user, take it out of every room and close its live WebSockets.",
        discussion: """
            The notifications it received go with it; its messages stay (room history keeps \
            their sender id). Asks for confirmation on a terminal; needs --yes otherwise.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    @OptionGroup var confirmation: ConfirmationOption

    @OptionGroup var format: JSONOption

    func run() async throws {
        try await OperatorSession.runAudited(global, "users delete", target: user) { session in
            let found = try await UserLookup.user(user, in: session.backends.store)
            try confirmation.require("Delete user \(found.username) (\(found.email))?")
            let deleted = try await UserAdministration(store: session.backends.store, hasher: session.backends.hasher, logger: session.logger)
                .delete(username: found.username)
            if format.json { try OutputJSON.print(["deleted": UserLookup.Row(deleted)]) } else { print("deleted user \(deleted.username) (\(deleted.id))") }
        }
    }
}
