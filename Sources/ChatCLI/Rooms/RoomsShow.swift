import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms show ROOM [--json]`.
struct RoomsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One room: counts, last activity and its members by name.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @OptionGroup var format: JSONOption

    struct Output: Encodable {
        var room: RoomsList.Row
        var members: [Member]

        struct Member: Encodable {
            var id: String
            var username: String?
        }
    }

    func run() async throws {
        try await OperatorSession.run(global) { session in
            guard let found = try await session.backends.store.room(named: room) else { throw RuntimeError("room '\(room)' does not exist") }
            var members: [Output.Member] = []
            for id in found.members { members.append(.init(id: id.hex, username: try await session.backends.store.user(id: id)?.username)) }
            let output = Output(room: try await RoomsList.row(found, store: session.backends.store), members: members)
            if format.json {
                try OutputJSON.print(output)
                return
            }
            let row = output.room
            print("room \(row.name) (\(row.id))")
            print("  messages \(row.messages), archived \(row.archived), last activity \(row.lastActivity ?? "never")")
            print("  members (\(members.count)): \(members.map { $0.username ?? "unknown user \($0.id)" }.joined(separator: ", "))")
        }
    }
}
