import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms add-member ROOM USER`.
struct RoomsAddMember: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Make a user a member of a room (it then gets the room's notifications).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: RoomMemberArguments

    func run() async throws {
        try await OperatorSession.runAudited(global, "rooms add-member", target: target.room, arguments: ["user": target.user]) { session in
            let (admin, room, member) = try await target.resolve(in: session)
            let added = try await admin.addMember(member, to: room)
            print(added ? "added \(member.username) to \(room.name)" : "\(member.username) already is a member of \(room.name)")
        }
    }
}
