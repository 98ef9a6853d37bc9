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
    @OptionGroup var target: RoomMemberArguments

    func run() async throws {
        try await OperatorSession.runAudited(global, "rooms remove-member", target: target.room, arguments: ["user": target.user]) { session in
            let (admin, room, member) = try await target.resolve(in: session)
            let removed = try await admin.removeMember(member, from: room)
            print(removed ? "removed \(member.username) from \(room.name)" : "\(member.username) was not a member of \(room.name)")
        }
    }
}
