import ArgumentParser

/// `chatctl users enable USER`.
struct UsersEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Let a disabled user log in again.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    @OptionGroup var format: JSONOption

    func run() async throws {
        try await UsersDisable.change(disabled: false, user: user, global: global, json: format.json)
    }
}
