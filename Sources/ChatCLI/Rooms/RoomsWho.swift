import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms who ROOM [--json]`.
struct RoomsWho: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who", abstract: "Who is in a room now: each user with sockets joined to it, how many, on which nodes.",
        discussion: """
            Every running chat node (chatctl nodes list) is asked through its operator API \
            (GET /admin/connections?room=…) for the sockets joined to the room, with a short-lived \
            operator token signed with the configured SECRET_KEY; the answers are put together by \
            user. Members who are not connected are not listed (rooms members lists the members). A \
            node that does not answer is named on stderr with why, the others are still counted, and \
            the exit code is 1.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @OptionGroup var format: JSONOption

    /// One user online in the room.
    struct Row: Encodable {
        var user: String
        var userID: String
        /// Its sockets joined to the room, all nodes together.
        var sockets: Int
        /// The nodes that hold them, by id.
        var nodes: [String]
    }

    struct Output: Encodable {
        var room: String
        var users: [Row]
        var unanswered: [NodeFanout.Unanswered]
    }

    func run() async throws {
        let output = try await OperatorSession.run(global) { session in
            let store = session.backends.store
            guard let roomID = try await RoomLookup.id(named: room, in: store) else { throw RuntimeError("room '\(room)' does not exist") }
            let fanout = try await NodeFanout.make(session: session, roles: [.chat], only: nil)
            let answers = await fanout.get(ConnectionsList.path(ConnectionFilter(roomID: roomID)), as: ConnectionsList.Listing.self)
            return Output(room: room, users: try await Self.rows(answers, store: store), unanswered: NodeFanout.unanswered(answers))
        }
        if format.json {
            try OutputJSON.print(output)
        } else if output.users.isEmpty {
            print("nobody is connected to \(output.room)")
        } else {
            TextTable.print(
                header: ["USER", "SOCKETS", "NODES"],
                rows: output.users.map { [$0.user, "\($0.sockets)", $0.nodes.joined(separator: ", ")] })
        }
        if !output.unanswered.isEmpty { throw ExitCode.failure }
    }

    /// The answered nodes' room sockets by user, by name.
    static func rows(_ answers: [NodeFanout.Answer<ConnectionsList.Listing>], store: any ChatStore) async throws -> [Row] {
        var sockets: [ObjectID: [(node: String, info: ConnectionInfo)]] = [:]
        for answer in answers {
            guard case .success(let listing) = answer.result else { continue }
            for info in listing.connections where info.kind == .room {
                sockets[info.userID, default: []].append((node: listing.node, info: info))
            }
        }
        let names = try await ConnectionsList.names(of: sockets.values.flatMap { held in held.map { $0.info } }, in: store)
        return sockets.map { userID, held in
            Row(user: names[userID] ?? userID.hex, userID: userID.hex, sockets: held.count, nodes: Set(held.map { $0.node }).sorted())
        }
        .sorted { ($0.user, $0.userID) < ($1.user, $1.userID) }
    }
}
