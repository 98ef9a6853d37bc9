import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl post ROOM --system TEXT`, `chatctl post ROOM --as USER TEXT`,
/// `chatctl post --all-rooms --system TEXT` [`--json`].
struct PostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "post", abstract: "Post an announcement in a room, or in every room: as the system, or as a member.",
        discussion: """
            The message takes the path of a client's post: it is stored with the room's next \
            seq, sent once to every socket of the room on every chat node, and the room's \
            members are notified — every member for a system message, every member but the \
            sender otherwise. A system message comes from the sender "system" (id \
            000000000000000000000001, a user no one has) and its frame carries "system":true.

            A running chat node posts it: chatctl asks a registered chat node through its \
            operator API (POST /admin/rooms/<room id>/messages, with an operator token signed \
            with SECRET_KEY), and that node's fan-out and event queue reach every socket and \
            the notification service, with or without Redis. When no chat node could be asked \
            (none is running, none answers), chatctl stores the message itself and says on \
            stderr that no live socket saw it and no member was notified.

            --as USER posts as a member of the room. The operator acts with authority: \
            read-only and slow mode do not apply; a user who is not a member, is disabled or \
            banned, or is muted in the room is refused (lift the mute or the ban first). \
            --all-rooms posts the system message in every room in turn, with a progress line \
            on a terminal, carries on past a room that fails and exits 1 if any did. Each run \
            is one record in the audit trail.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name); left out with --all-rooms.", valueName: "room"))
    var room: String?

    @Argument(help: ArgumentHelp("What to post (at most 4096 bytes).", valueName: "text"))
    var text: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Post as this member of the room (username or id).", valueName: "user"))
    var user: String?

    @Flag(name: .long, help: "Post as the system: sender \"system\", \"system\":true in its frame, every member notified.")
    var system = false

    @Flag(name: .long, help: "Post the system message in every room (needs --system).")
    var allRooms = false

    @OptionGroup var format: JSONOption

    static let command = "post"

    func validate() throws {
        if user != nil, system { throw ValidationError("give either --system or --as USER, not both") }
        if user == nil, !system { throw ValidationError("say who posts: --system, or --as USER (a member of the room)") }
        if allRooms, !system { throw ValidationError("--all-rooms posts a system message: add --system") }
        let content = try words().text
        do {
            _ = try InputRules.validateContent(content)
        } catch let error as ChatError {
            throw ValidationError("text: \(error.message)")
        }
    }

    /// The room and the text as given (the text alone with `--all-rooms`).
    func words() throws -> (room: String?, text: String) {
        if allRooms {
            guard let only = room else { throw ValidationError("missing the text to post") }
            guard text == nil else { throw ValidationError("--all-rooms takes the text only, no room") }
            return (nil, only)
        }
        guard let room else { throw ValidationError("missing the room and the text to post") }
        guard let text else { throw ValidationError("missing the text to post: chatctl post \(room) --system \"text\"") }
        return (room, text)
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let (roomName, content) = try words()
        var arguments = ["content": content]
        if let user { arguments["as"] = user } else { arguments["system"] = "true" }
        if allRooms { arguments["all_rooms"] = "true" }
        let recorded = arguments
        try await OperatorSession.run(settings: settings) { session in
            if let roomName {
                try await session.audited(Self.command, target: roomName, arguments: recorded) {
                    try await postOne(content, in: roomName, session: session)
                }
            } else {
                try await session.audited(Self.command, target: "all rooms", arguments: recorded) {
                    try await postEverywhere(content, session: session)
                }
            }
        }
    }

    /// `post ROOM`: the room and the author looked up, then posted.
    private func postOne(_ content: String, in roomName: String, session: OperatorSession) async throws {
        let store = session.backends.store
        guard let room = try await store.room(named: roomName) else {
            throw RuntimeError("room '\(roomName)' does not exist (chatctl rooms list shows them)")
        }
        var announcer = Announcer.system
        if let user {
            let member = try await UserLookup.user(user, in: store)
            announcer = .member(member.id)
        }
        var poster = try await AnnouncementPoster.make(session)
        let posted = try await poster.post(content, as: announcer, in: room)
        if format.json {
            try OutputJSON.print(PostOutput.Posted(posted))
        } else {
            let message = posted.record.message
            let by = posted.route.nodeID.map { "; chat node \($0) sent it to the room's sockets" } ?? ""
            print("posted message \(message.id.hex) in \(room.name) as \(message.shownSenderName) (seq \(message.sequence))\(by)")
        }
    }

    /// `post --all-rooms`: the system message in every room, one after the other; a room
    /// that fails does not stop the others, and makes the command fail at the end.
    private func postEverywhere(_ content: String, session: OperatorSession) async throws {
        let rooms = try await session.backends.store.allRooms()
        var poster = try await AnnouncementPoster.make(session)
        let line = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
        var outcomes: [PostOutput.RoomOutcome] = []
        for (index, room) in rooms.enumerated() {
            do {
                let posted = try await poster.post(content, as: .system, in: room)
                outcomes.append(PostOutput.RoomOutcome(room: room.name, posted: posted))
            } catch {
                outcomes.append(PostOutput.RoomOutcome(room: room.name, error: error))
            }
            line.update(done: index + 1, total: rooms.count, noun: "rooms")
        }
        line.finish()
        let failures = outcomes.filter { $0.error != nil }
        if format.json {
            try OutputJSON.print(PostOutput.Summary(posted: outcomes.count - failures.count, failed: failures.count, rooms: outcomes))
        } else {
            print("posted in \(outcomes.count - failures.count) of \(rooms.count) rooms")
            for failure in failures { print("  \(failure.room): \(failure.error ?? "")") }
        }
        guard failures.isEmpty else {
            throw RuntimeError("could not post in \(failures.count) of \(rooms.count) rooms: \(failures.map(\.room).joined(separator: ", "))")
        }
    }
}
