import ArgumentParser

/// `chatctl connections …`: the live WebSockets on the running nodes.
struct ConnectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "The live WebSockets on the running nodes: who holds them, their traffic; close them.",
        subcommands: [ConnectionsList.self, ConnectionsKick.self]
    )
}
