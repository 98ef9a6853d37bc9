import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl rooms show ROOM [--json]`.
struct RoomsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One room: counts, last activity, its members by name, its rules, the mutes that hold, and the archive age and retention that apply.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @OptionGroup var format: JSONOption

    struct Output: Encodable {
        var room: RoomsList.Row
        var members: [Member]
        var rules: RestrictionText.Rules
        /// The mutes that hold now, oldest first.
        var mutes: [RestrictionText.Mute]
        /// The archive age and retention that apply (the room's own, or this command's
        /// configuration's defaults), with where each comes from.
        var lifecycle: LifecycleOutput.Applied

        struct Member: Encodable {
            var id: String
            var username: String?
        }
    }

    func run() async throws {
        try await OperatorSession.run(global) { session in
            guard let found = try await session.backends.store.room(named: room) else { throw RuntimeError("room '\(room)' does not exist") }
            var members: [Output.Member] = []
            for id in found.members { members.append(.init(id: id.hex, username: try await session.backends.store.user(id: id)?.username)) }
            let store = session.backends.store
            var mutes: [RestrictionText.Mute] = []
            for mute in try await store.mutes(inRoom: found.id, at: Date()) {
                mutes.append(RestrictionText.Mute(mute, room: found.name, user: try await store.user(id: mute.userID)?.username))
            }
            let output = Output(
                room: try await RoomsList.row(found, store: store), members: members, rules: try await RestrictionText.Rules.make(found.rules, in: store),
                mutes: mutes, lifecycle: LifecycleOutput.Applied(session.settings.lifecycleDefaults.applied(to: found.rules)))
            if format.json {
                try OutputJSON.print(output)
                return
            }
            let row = output.room
            print("room \(row.name) (\(row.id))")
            print("  messages \(row.messages), archived \(row.archived), last activity \(row.lastActivity ?? "never")")
            print("  members (\(members.count)): \(members.map { $0.username ?? "unknown user \($0.id)" }.joined(separator: ", "))")
            print("  rules: \(output.rules.summary)")
            if let topic = output.rules.topic { print("  topic: \(topic)") }
            print("  lifecycle: \(output.lifecycle.summary)")
            print("  muted (\(mutes.count)): \(mutes.isEmpty ? "none" : mutes.map { $0.shown(naming: $0.user ?? "unknown user \($0.userId)") }.joined(separator: "; "))")
        }
    }
}
