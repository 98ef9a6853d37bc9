import ArgumentParser

/// `chatctl db …`: store housekeeping.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Store housekeeping: MongoDB indexes, and copying one store into another.",
        subcommands: [EnsureIndexes.self, DatabaseCopy.self]
    )
}
