import ArgumentParser

/// `chatctl config …`: inspect and check the effective configuration.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or check the effective configuration.",
        subcommands: [ConfigShow.self, ConfigCheck.self]
    )
}
