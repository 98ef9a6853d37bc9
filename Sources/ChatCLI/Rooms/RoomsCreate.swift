import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms create ROOM [--owner USER]`.
struct RoomsCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a room with the API's name rules; --owner becomes its first member.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("1 to 64 letters, digits, '_', '-' or '.'.", valueName: "room"))
    var room: String

    @Option(name: .long, help: ArgumentHelp("A user (username or id) to add as the first member.", valueName: "user"))
    var owner: String?

    @OptionGroup var format: JSONOption

    func run() async throws {
        try await OperatorSession.runAudited(global, "rooms create", target: room, arguments: owner.map { ["owner": $0] } ?? [:]) { session in
            let store = session.backends.store
            let creator = try await owner.asyncMap { try await UserLookup.user($0, in: store) }
            let created = try await CreateRoom(store: store, logger: session.logger)(name: room, creator: creator)
            if format.json {
                try OutputJSON.print(try await RoomsList.row(created, store: store))
            } else {
                print("created room \(created.name) (\(created.id))" + (creator.map { " owned by \($0.username)" } ?? ""))
            }
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
