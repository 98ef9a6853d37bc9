import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl users create USERNAME --email E [--password-stdin | --password-file F]`.
struct UsersCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a user with the sign-up rules (bcrypt cost 10).",
        discussion: "Prompts for the password twice without echo on a terminal; scripts use --password-stdin or --password-file.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("3 to 32 letters, digits, '_', '-' or '.'.", valueName: "username"))
    var username: String

    @Option(name: .long, help: ArgumentHelp("The user's email address (unique).", valueName: "email"))
    var email: String

    @OptionGroup var password: PasswordInput

    @OptionGroup var format: JSONOption

    func run() async throws {
        let secret = try password.read()
        try await OperatorSession.runAudited(global, "users create", target: username, arguments: ["email": email]) { session in
            let user = try await SignUp(store: session.backends.store, hasher: session.backends.hasher, logger: session.logger)(
                username: username, email: email, password: secret)
            if format.json { try OutputJSON.print(UserLookup.Row(user)) } else { print("created user \(user.username) (\(user.id))") }
        }
    }
}
