import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl connections list [--user NAME] [--room NAME] [--node ID] [--json]`.
struct ConnectionsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The live sockets on every running node: whose, which room, from where, since when, traffic.",
        discussion: """
            Every running chat and notify node (chatctl nodes list) is asked through its operator API \
            (GET /admin/connections) with a short-lived operator token signed with the configured \
            SECRET_KEY; nothing is read from the sockets themselves. One row per socket: its id (for \
            connections kick --id; unique on its node), its node, its kind (room or notify), its user, \
            its room, the peer's address as the node sees it (a proxy's, behind one), when it \
            connected, the data frames it received and was sent, and its backlog: the frames waiting \
            for its join to finish, with "+blocked" when the client stopped reading (the node drops \
            the socket at its next frame).

            --user and --room narrow the list (both may be given; with --room only chat nodes are \
            asked and notification sockets are left out); --node asks one node. A node that does not \
            answer is named on stderr with why; the others are still printed, and the exit code is 1.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only this user's sockets (a username or an id).", valueName: "name"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp("Only the sockets joined to this room.", valueName: "name"))
    var room: String?

    @Option(name: .long, help: ArgumentHelp("Ask only this node (an id from chatctl nodes list).", valueName: "id"))
    var node: String?

    @OptionGroup var format: JSONOption

    /// What `GET /admin/connections` answers.
    struct Listing: Decodable, Sendable {
        var node: String
        var connections: [ConnectionInfo]
    }

    /// One socket as printed, with the user's and the room's names.
    struct Row: Encodable {
        var id: String
        var node: String
        var kind: String
        var user: String
        var userID: String
        var room: String?
        var roomID: String?
        var remote: String?
        var connectedAt: String
        var framesIn: Int
        var framesOut: Int
        var buffered: Int
        var writable: Bool

        init(_ info: ConnectionInfo, node: String, user: String?, room: String?) {
            id = info.id
            self.node = node
            kind = info.kind.rawValue
            self.user = user ?? info.userID.hex
            userID = info.userID.hex
            self.room = room ?? info.roomID?.hex
            roomID = info.roomID?.hex
            remote = info.remote
            connectedAt = RFC3339.string(from: info.connectedAt)
            framesIn = info.framesIn
            framesOut = info.framesOut
            buffered = info.buffered
            writable = info.writable
        }

        /// `3`, or `3 +blocked` when the client stopped reading.
        var backlog: String { writable ? "\(buffered)" : "\(buffered) +blocked" }
    }

    struct Output: Encodable {
        var connections: [Row]
        var unanswered: [NodeFanout.Unanswered]
    }

    func run() async throws {
        let output = try await OperatorSession.run(global) { session in
            let store = session.backends.store
            var filter = ConnectionFilter()
            if let user { filter.userID = try await UserLookup.user(user, in: store).id }
            filter.roomID = try await RoomLookup.id(named: room, in: store)
            let fanout = try await NodeFanout.make(session: session, roles: filter.roomID == nil ? [.chat, .notify] : [.chat], only: node)
            let answers = await fanout.get(Self.path(filter), as: Listing.self)
            return Output(connections: try await Self.rows(answers, store: store), unanswered: NodeFanout.unanswered(answers))
        }
        if format.json {
            try OutputJSON.print(output)
        } else if output.connections.isEmpty {
            let ofUser = user.map { " of \($0)" } ?? ""
            let inRoom = room.map { " in \($0)" } ?? ""
            print("no live socket\(ofUser)\(inRoom)")
        } else {
            TextTable.print(
                header: ["ID", "NODE", "KIND", "USER", "ROOM", "REMOTE", "SINCE", "IN", "OUT", "BACKLOG"],
                rows: output.connections.map { row in
                    [row.id, row.node, row.kind, row.user, row.room ?? "-", row.remote ?? "-", row.connectedAt, "\(row.framesIn)", "\(row.framesOut)", row.backlog]
                })
        }
        if !output.unanswered.isEmpty { throw ExitCode.failure }
    }

    /// `GET /admin/connections` with the filter's user and room as the query.
    static func path(_ filter: ConnectionFilter) -> String {
        var query: [String] = []
        if let id = filter.userID { query.append("user=\(id.hex)") }
        if let id = filter.roomID { query.append("room=\(id.hex)") }
        return "/admin/connections" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// The answered nodes' sockets with their users' and rooms' names, oldest first.
    static func rows(_ answers: [NodeFanout.Answer<Listing>], store: any ChatStore) async throws -> [Row] {
        var listed: [(node: String, info: ConnectionInfo)] = []
        for answer in answers {
            guard case .success(let listing) = answer.result else { continue }
            listed += listing.connections.map { (node: listing.node, info: $0) }
        }
        let rooms = try await RoomLookup.names(listed.compactMap { $0.info.roomID }, in: store)
        let users = try await names(of: listed.map { $0.info }, in: store)
        return listed
            .sorted { ($0.info.connectedAt, $0.node, $0.info.id) < ($1.info.connectedAt, $1.node, $1.info.id) }
            .map { Row($0.info, node: $0.node, user: users[$0.info.userID], room: $0.info.roomID.flatMap { rooms[$0] }) }
    }

    /// User id → name: as the sockets carry it, else from the store (nil for a deleted user).
    static func names(of connections: [ConnectionInfo], in store: any ChatStore) async throws -> [ObjectID: String] {
        var names: [ObjectID: String] = [:]
        for connection in connections {
            if let name = connection.username { names[connection.userID] = name }
        }
        for id in Set(connections.map(\.userID)) where names[id] == nil {
            names[id] = try await store.user(id: id)?.username
        }
        return names
    }
}
