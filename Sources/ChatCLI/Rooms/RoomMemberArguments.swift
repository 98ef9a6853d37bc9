import ArgumentParser
import ChatCore
import ChatRuntime

/// `ROOM USER`, as `rooms add-member` and `rooms remove-member` take them.
struct RoomMemberArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    /// The administration use case, the room and the user, or a clear error.
    func resolve(in session: OperatorSession) async throws -> (RoomAdministration, Room, User) {
        let admin = RoomAdministration(store: session.backends.store, cache: session.backends.cache, logger: session.logger)
        let found = try await admin.room(named: room)
        let member = try await UserLookup.user(user, in: session.backends.store)
        return (admin, found, member)
    }
}
