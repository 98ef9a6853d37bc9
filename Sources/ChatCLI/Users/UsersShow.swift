import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl users show USER [--json]`.
struct UsersShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One user: email, status (a ban with its end), creation time, its rooms and its mutes.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    @OptionGroup var format: JSONOption

    struct Output: Encodable {
        var user: UserLookup.Row
        var rooms: [String]
        /// The user's mutes that hold now, in every room, oldest first.
        var mutes: [RestrictionText.Mute]
    }

    func run() async throws {
        let output = try await OperatorSession.run(global) { session in
            let store = session.backends.store
            let found = try await UserLookup.user(user, in: store)
            let all = try await store.allRooms()
            let rooms = all.filter { $0.members.contains(found.id) }.map(\.name)
            let names = Dictionary(all.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let mutes = try await store.mutes(ofUser: found.id, at: Date()).map { mute in
                RestrictionText.Mute(mute, room: names[mute.roomID] ?? mute.roomID.hex, user: found.username)
            }
            return Output(user: UserLookup.Row(found), rooms: rooms, mutes: mutes)
        }
        if format.json {
            try OutputJSON.print(output)
            return
        }
        print("user \(output.user.username) (\(output.user.id))")
        print("  email \(output.user.email)")
        print("  status \(output.user.status), created \(output.user.createdAt)")
        if let ban = output.user.ban { print("  \(ban.shown)") }
        print("  rooms (\(output.rooms.count)): \(output.rooms.isEmpty ? "none" : output.rooms.joined(separator: ", "))")
        print("  muted (\(output.mutes.count)): \(output.mutes.isEmpty ? "none" : output.mutes.map { $0.shown(naming: "in \($0.room)") }.joined(separator: "; "))")
    }
}
