import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl users disable USER`.
struct UsersDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Refuse a user's logins and tokens and close its live WebSockets (1008).",
        discussion: "Nothing is deleted; `chatctl users enable` undoes it.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    @OptionGroup var format: JSONOption

    func run() async throws {
        try await UsersDisable.change(disabled: true, user: user, global: global, json: format.json)
    }

    /// Shared by `disable` and `enable`.
    static func change(disabled: Bool, user: String, global: GlobalOptions, json: Bool) async throws {
        try await OperatorSession.runAudited(global, disabled ? "users disable" : "users enable", target: user) { session in
            let found = try await UserLookup.user(user, in: session.backends.store)
            let changed = try await UserAdministration(store: session.backends.store, hasher: session.backends.hasher, logger: session.logger)
                .setDisabled(disabled, username: found.username)
            if json {
                try OutputJSON.print(UserLookup.Row(changed))
            } else if disabled {
                print("disabled \(changed.username); its live sockets close within a second")
            } else {
                print("enabled \(changed.username)")
            }
        }
    }
}
