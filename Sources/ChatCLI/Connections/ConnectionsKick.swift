import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl connections kick (--user NAME | --room NAME | --id ID) [--node ID] [--reason TEXT] [--json]`.
struct ConnectionsKick: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kick", abstract: "Close live sockets — a user's, a room's, or one by id — on every node that holds them.",
        discussion: """
            Give exactly one of --user (every room and notification socket of the user), --room \
            (every socket joined to the room) or --id (one socket, as connections list shows it). \
            Every running chat and notify node (only chat nodes for --room; one node with --node) is \
            asked through its operator API (POST /admin/connections/kick) to close the sockets it \
            holds with 1008 and the reason (default "\(ConnectionKick.defaultReason)"), as when a \
            session ends: a room socket finishes its post in flight first. Prints how many sockets \
            each node closed.

            Nothing is refused: the user may connect again at once (chatctl users ban or disable \
            keeps it out). Recorded in the audit trail. A node that does not answer is named on \
            stderr with why, the others still close theirs, and the exit code is 1.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Close this user's sockets (a username or an id).", valueName: "name"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp("Close the sockets joined to this room.", valueName: "name"))
    var room: String?

    @Option(name: .long, help: ArgumentHelp("Close the socket with this id (connections list shows it).", valueName: "id"))
    var id: String?

    @Option(name: .long, help: ArgumentHelp("Ask only this node (an id from chatctl nodes list).", valueName: "id"))
    var node: String?

    @Option(name: .long, help: ArgumentHelp("What the clients read in the close frame (at most 123 bytes).", valueName: "text"))
    var reason: String?

    @OptionGroup var format: JSONOption

    /// The body of `POST /admin/connections/kick`.
    struct KickRequest: Encodable, Sendable {
        var user: String?
        var room: String?
        var id: String?
        var reason: String?
    }

    /// What `POST /admin/connections/kick` answers.
    struct Kicked: Decodable, Sendable {
        var closed: Int
    }

    /// How many sockets one node closed.
    struct NodeCount: Encodable {
        var node: String
        var closed: Int
    }

    struct Output: Encodable {
        var closed: Int
        var nodes: [NodeCount]
        var unanswered: [NodeFanout.Unanswered]
    }

    func validate() throws {
        let given = [user, room, id].compactMap { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --user, --room or --id (\(given) given)") }
        do throws(ChatError) {
            _ = try InputRules.validateCloseReason(reason)
        } catch {
            throw ValidationError("--reason: \(error.message)")
        }
    }

    /// The one selector given (`validate()` made sure): its option's name and value.
    var selector: (name: String, value: String) {
        if let user { return ("user", user) }
        if let room { return ("room", room) }
        return ("id", id ?? "")
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let (name, value) = selector
        var arguments = [name: value]
        if let node { arguments["node"] = node }
        if let reason { arguments["reason"] = reason }
        try await OperatorSession.runAudited(settings: settings, "connections kick", target: value, arguments: arguments) { session in
            let store = session.backends.store
            var request = KickRequest(reason: reason)
            switch name {
            case "user": request.user = try await UserLookup.user(value, in: store).id.hex
            case "room": request.room = try await RoomLookup.id(named: value, in: store)?.hex
            default: request.id = value
            }
            let fanout = try await NodeFanout.make(session: session, roles: request.room == nil ? [.chat, .notify] : [.chat], only: node)
            let answers = await fanout.post("/admin/connections/kick", body: request, as: Kicked.self)
            let counts = answers.compactMap { answer -> NodeCount? in
                guard case .success(let kicked) = answer.result else { return nil }
                return NodeCount(node: answer.node.id, closed: kicked.closed)
            }
            let unanswered = NodeFanout.unanswered(answers)
            let total = counts.reduce(0) { $0 + $1.closed }
            if format.json {
                try OutputJSON.print(Output(closed: total, nodes: counts, unanswered: unanswered))
            } else {
                for count in counts { print("node \(count.node): closed \(Self.sockets(count.closed))") }
                print("closed \(Self.sockets(total)) of \(name) \(value) on \(counts.count) node\(counts.count == 1 ? "" : "s")")
            }
            if !unanswered.isEmpty {
                throw RuntimeError("\(unanswered.count) of \(answers.count) nodes did not answer: the sockets they hold, if any, are still open")
            }
        }
    }

    /// `1 socket`, `3 sockets`.
    static func sockets(_ count: Int) -> String { count == 1 ? "1 socket" : "\(count) sockets" }
}
