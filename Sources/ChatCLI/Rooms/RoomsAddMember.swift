import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms add-member ROOM USER`.
struct RoomsAddMember: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Make a user a member of a room (it then gets the room's notifications).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    func run() async throws {
        try await OperatorSession.run(global) { session in
            let admin = RoomAdministration(store: session.backends.store, cache: session.backends.cache, logger: session.logger)
            let found = try await admin.room(named: room)
            let member = try await UserLookup.user(user, in: session.backends.store)
            let added = try await admin.addMember(member, to: found)
            print(added ? "added \(member.username) to \(found.name)" : "\(member.username) already is a member of \(found.name)")
        }
    }
}
