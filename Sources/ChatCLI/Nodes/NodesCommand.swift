import ArgumentParser

/// `chatctl nodes …`: the serving processes that are up, as the node registry knows them.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "The running chatctl services (nodes): where they listen, their figures and health; drain one before a restart.",
        subcommands: [NodesList.self, NodesDrain.self]
    )
}
