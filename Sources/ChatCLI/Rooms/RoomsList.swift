import ArgumentParser
import ChatClient
import ChatCore
import ChatRuntime

/// `chatctl rooms list [--json] [-q]`.
struct RoomsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every room with its members, messages (live and archived) and last activity.",
        discussion: """
            With --live it also asks a running chat service (GET /api/room/list/) how many sockets \
            are joined to each room on that node, with a one-minute token it signs with the \
            configured SECRET_KEY for --as USER (default: the first user by name).
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: JSONOption

    @Flag(name: .short, help: "Only the room names, one per line.")
    var q = false

    @Flag(name: .long, help: "Add the sockets joined to each room on a running chat service.")
    var live = false

    @Option(name: .long, help: ArgumentHelp("The chat service for --live (default: chat.host and chat.port).", valueName: "url"))
    var chatURL: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("The user whose token --live uses (default: the first user).", valueName: "user"))
    var asUser: String?

    struct Row: Encodable {
        var id: String
        var name: String
        var members: Int
        var messages: Int
        var archived: Int
        var lastActivity: String?
        /// Sockets joined on the asked chat node (`--live` only).
        var connected: Int?
    }

    static func row(_ room: Room, store: any ChatStore) async throws -> Row {
        let counts = try await store.messageCounts(room: room.id)
        let last = try await store.recentMessages(inRoom: room.id, limit: 1).first
        return Row(
            id: room.id.hex, name: room.name, members: room.members.count, messages: counts.live, archived: counts.archived,
            lastActivity: last.map { RFC3339.string(from: $0.timestamp) })
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        var rows: [Row] = []
        let rooms = try await OperatorSession.run(global) { session in
            let rooms = try await session.backends.store.allRooms()
            if !q {
                for room in rooms { rows.append(try await Self.row(room, store: session.backends.store)) }
            }
            if live {
                let counts = try await liveCounts(settings: settings, store: session.backends.store)
                for index in rows.indices { rows[index].connected = counts[rows[index].name] ?? 0 }
            }
            return rooms
        }
        if q {
            rooms.forEach { print($0.name) }
        } else if format.json {
            try OutputJSON.print(["rooms": rows])
        } else {
            TextTable.print(
                header: ["NAME", "MEMBERS", "MESSAGES", "ARCHIVED", "LAST ACTIVITY"] + (live ? ["CONNECTED"] : []),
                rows: rows.map { row in
                    [row.name, "\(row.members)", "\(row.messages)", "\(row.archived)", row.lastActivity ?? "-"] + (live ? ["\(row.connected ?? 0)"] : [])
                })
        }
    }

    /// Room name → sockets joined, from the chat service's own list.
    private func liveCounts(settings: Settings, store: any ChatStore) async throws -> [String: Int] {
        let user: User
        if let asUser {
            user = try await UserLookup.user(asUser, in: store)
        } else {
            guard let first = try await store.users(matching: nil, limit: 1).first else { return [:] }
            user = first
        }
        let token = try await TokenTools.authority(settings, lifetime: .seconds(60)).issue(for: user)
        let client = try ChatHTTPClient(baseURL: chatURL ?? "http://\(DoctorCommand.reachable(settings.chatHost)):\(settings.chatPort)")
        let response: ChatHTTPClient.Response
        do {
            response = try await client.send(.GET, "/api/room/list/", token: token)
        } catch {
            throw RuntimeError("--live: the chat service at \(client.host):\(client.port) is not reachable: \(error)")
        }
        guard response.status == 200 else {
            throw RuntimeError("--live: the chat service answered \(response.status): \(response.text.prefix(200)) (is SECRET_KEY the service's?)")
        }
        return response.object.compactMapValues { $0 as? Int }
    }
}
