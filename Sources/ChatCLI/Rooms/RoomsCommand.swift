import ArgumentParser

/// `chatctl rooms …`: rooms as the store holds them.
struct RoomsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "List and inspect rooms (members, messages, last activity).",
        subcommands: [RoomsList.self, RoomsShow.self]
    )
}
