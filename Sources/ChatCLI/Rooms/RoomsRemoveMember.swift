import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms remove-member ROOM USER`.
struct RoomsRemoveMember: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-member", abstract: "Take a user out of a room's members.",
        discussion: """
            It stops getting the room's notifications. As in the Go service any user may join \
            any room, and joining makes it a member again; to keep a user out, disable it.
            """)

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
            let removed = try await admin.removeMember(member, from: found)
            print(removed ? "removed \(member.username) from \(found.name)" : "\(member.username) was not a member of \(found.name)")
        }
    }
}
