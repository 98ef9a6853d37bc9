import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl users set-password USER [--password-stdin | --password-file F]`.
struct UsersSetPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-password", abstract: "Replace a user's password and close its live WebSockets.",
        discussion: "Tokens issued before stay valid until they expire (12 h); disable the user to refuse them at once.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    @OptionGroup var password: PasswordInput

    func run() async throws {
        let secret = try password.read()
        try await OperatorSession.runAudited(global, "users set-password", target: user) { session in
            let found = try await UserLookup.user(user, in: session.backends.store)
            _ = try await UserAdministration(store: session.backends.store, hasher: session.backends.hasher, logger: session.logger)
                .setPassword(username: found.username, password: secret)
            print("password of \(found.username) changed; its live sockets close within a second")
        }
    }
}
