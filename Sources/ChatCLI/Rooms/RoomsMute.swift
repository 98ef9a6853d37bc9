import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms mute ROOM USER [--for LENGTH] [--reason R] [--json]`.
struct RoomsMute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mute", abstract: "Stop a user posting in a room (it still reads it), for a while or until unmuted.",
        discussion: """
            The user's posts in the room get an error frame ({"error":"you are muted in this room \
            until …"}) and are not stored; it still joins the room and receives its messages. A \
            mute with --for ends by itself; rooms unmute lifts it sooner. Muting again replaces the \
            mute. Every running chat node applies it within about a second. rooms show and users \
            show list the mutes that hold. The reason goes to the audit trail and rooms show, never \
            to clients.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: RoomMemberArguments

    @Option(name: .customLong("for"), help: ArgumentHelp("How long: 30m, 1h, 7d (default: until unmuted).", valueName: "length"))
    var length: String?

    @Option(name: .long, help: ArgumentHelp("Why (at most 500 bytes; kept in the audit trail).", valueName: "text"))
    var reason: String?

    @OptionGroup var format: JSONOption

    func validate() throws {
        if let length { _ = try RestrictionText.seconds(length, option: "for") }
    }

    func run() async throws {
        var arguments = ["user": target.user]
        if let length { arguments["for"] = length }
        if let reason { arguments["reason"] = reason }
        try await OperatorSession.runAudited(global, "rooms mute", target: target.room, arguments: arguments) { session in
            let (_, room, user) = try await target.resolve(in: session)
            let seconds = try length.map { try RestrictionText.seconds($0, option: "for") }
            let mute = try await RoomRestrictions(store: session.backends.store, logger: session.logger)
                .mute(user, in: room, for: seconds, reason: reason, by: AuditActor.current().description)
            let row = RestrictionText.Mute(mute, room: room.name, user: user.username)
            if format.json {
                try OutputJSON.print(row)
            } else {
                print("muted \(user.username) in \(room.name) \(row.until.map { "until \($0)" } ?? "until unmuted"); every chat node applies it within a second")
            }
        }
    }
}
