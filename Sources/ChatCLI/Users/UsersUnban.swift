import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl users unban USER [--json]`.
struct UsersUnban: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unban", abstract: "End a user's ban now: it may log in again.",
        discussion: "The tokens issued before the ban stay refused: the user logs in again for a new one.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    @OptionGroup var format: JSONOption

    func run() async throws {
        try await OperatorSession.runAudited(global, "users unban", target: user) { session in
            let found = try await UserLookup.user(user, in: session.backends.store)
            let (changed, wasBanned) = try await UserAdministration(store: session.backends.store, hasher: session.backends.hasher, logger: session.logger)
                .unban(username: found.username)
            if format.json {
                try OutputJSON.print(UserLookup.Row(changed))
            } else {
                print(wasBanned ? "unbanned \(changed.username)" : "\(changed.username) was not banned")
            }
        }
    }
}
