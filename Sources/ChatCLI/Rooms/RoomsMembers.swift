import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms members ROOM [--json] [-q]`.
struct RoomsMembers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "members", abstract: "A room's members in join order (they get its notifications).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @OptionGroup var format: JSONOption

    @Flag(name: .short, help: "Only the usernames, one per line.")
    var q = false

    struct Output: Encodable {
        var room: String
        var members: [UserLookup.Row]
        /// Member ids no user has any more (deleted outside chatctl).
        var unknownIDs: [String]
    }

    func run() async throws {
        let output = try await OperatorSession.run(global) { session in
            let admin = RoomAdministration(store: session.backends.store, cache: session.backends.cache, logger: session.logger)
            let found = try await admin.room(named: room)
            let members = try await admin.members(of: found)
            return Output(room: found.name, members: members.users.map(UserLookup.Row.init), unknownIDs: members.unknownIDs.map(\.hex))
        }
        if q {
            output.members.forEach { print($0.username) }
        } else if format.json {
            try OutputJSON.print(output)
        } else {
            TextTable.print(
                header: ["USERNAME", "EMAIL", "STATUS", "ID"],
                rows: output.members.map { [$0.username, $0.email, $0.disabled ? "disabled" : "active", $0.id] }
                    + output.unknownIDs.map { ["(unknown user)", "-", "-", $0] })
        }
    }
}
