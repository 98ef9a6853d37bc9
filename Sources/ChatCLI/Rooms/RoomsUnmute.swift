import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms unmute ROOM USER [--json]`.
struct RoomsUnmute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmute", abstract: "Let a muted user post in a room again.",
        discussion: "Every running chat node applies it within about a second.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: RoomMemberArguments
    @OptionGroup var format: JSONOption

    func run() async throws {
        try await OperatorSession.runAudited(global, "rooms unmute", target: target.room, arguments: ["user": target.user]) { session in
            let (_, room, user) = try await target.resolve(in: session)
            let lifted = try await RoomRestrictions(store: session.backends.store, logger: session.logger).unmute(user, in: room)
            if format.json {
                try OutputJSON.print(["room": AnyEncodable(room.name), "user": AnyEncodable(user.username), "unmuted": AnyEncodable(lifted)])
            } else {
                print(lifted ? "unmuted \(user.username) in \(room.name)" : "\(user.username) was not muted in \(room.name)")
            }
        }
    }
}
