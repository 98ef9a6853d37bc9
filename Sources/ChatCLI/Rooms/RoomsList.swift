import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms list [--json] [-q]`.
struct RoomsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every room with its members, messages (live and archived) and last activity.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print one JSON document.")
    var json = false

    @Flag(name: .short, help: "Only the room names, one per line.")
    var q = false

    struct Row: Encodable {
        var id: String
        var name: String
        var members: Int
        var messages: Int
        var archived: Int
        var lastActivity: String?
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
        let backends = try await OperatorBackends.connect(settings: settings, logger: OperatorLog.logger(settings))
        defer { Task { await backends.close() } }
        let rooms = try await backends.store.allRooms()
        if q {
            rooms.forEach { print($0.name) }
            return
        }
        var rows: [Row] = []
        for room in rooms { rows.append(try await Self.row(room, store: backends.store)) }
        if json {
            try OutputJSON.print(["rooms": rows])
            return
        }
        TextTable.print(
            header: ["NAME", "MEMBERS", "MESSAGES", "ARCHIVED", "LAST ACTIVITY"],
            rows: rows.map { [$0.name, "\($0.members)", "\($0.messages)", "\($0.archived)", $0.lastActivity ?? "-"] })
    }
}
