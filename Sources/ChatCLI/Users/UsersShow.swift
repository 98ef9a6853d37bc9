import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl users show USER [--json]`.
struct UsersShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One user: email, status, creation time and the rooms it is a member of.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    @OptionGroup var format: JSONOption

    struct Output: Encodable {
        var user: UserLookup.Row
        var rooms: [String]
    }

    func run() async throws {
        let output = try await OperatorSession.run(global) { session in
            let found = try await UserLookup.user(user, in: session.backends.store)
            let rooms = try await session.backends.store.allRooms().filter { $0.members.contains(found.id) }.map(\.name)
            return Output(user: UserLookup.Row(found), rooms: rooms)
        }
        if format.json {
            try OutputJSON.print(output)
            return
        }
        print("user \(output.user.username) (\(output.user.id))")
        print("  email \(output.user.email)")
        print("  status \(output.user.disabled ? "disabled" : "active"), created \(output.user.createdAt)")
        print("  rooms (\(output.rooms.count)): \(output.rooms.isEmpty ? "none" : output.rooms.joined(separator: ", "))")
    }
}
