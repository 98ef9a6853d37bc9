import ArgumentParser

/// `chatctl config …`: inspect and check the effective configuration; reload it on the running nodes.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or check the effective configuration, or have the running nodes reload it.",
        subcommands: [ConfigShow.self, ConfigCheck.self, ConfigReload.self]
    )
}
