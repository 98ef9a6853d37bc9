import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation
import Logging

/// `chatctl rooms list [--json] [-q] [--live]`.
struct RoomsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every room with its members, messages (live and archived) and last activity.",
        discussion: """
            With --live it also counts the sockets joined to each room on every running chat node: \
            each node registered in the node registry (chatctl nodes list) is asked through its \
            operator API (GET /admin/rooms/live) with a short-lived operator token signed with the \
            configured SECRET_KEY, and the counts are summed. A node that does not answer is left \
            out with a warning; a refused token is an error.
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: JSONOption

    @Flag(name: .short, help: "Only the room names, one per line.")
    var q = false

    @Flag(name: .long, help: "Add the sockets joined to each room on every running chat node.")
    var live = false

    struct Row: Encodable {
        var id: String
        var name: String
        var members: Int
        var messages: Int
        var archived: Int
        var lastActivity: String?
        /// Sockets joined on the running chat nodes (`--live` only).
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
        var rows: [Row] = []
        let rooms = try await OperatorSession.run(global) { session in
            let rooms = try await session.backends.store.allRooms()
            if !q {
                for room in rooms { rows.append(try await Self.row(room, store: session.backends.store)) }
            }
            if live {
                let counts = try await Self.liveCounts(session: session)
                for index in rows.indices { rows[index].connected = counts[rows[index].id] ?? 0 }
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

    /// What `GET /admin/rooms/live` answers: room id → sockets joined on that node.
    struct LiveRooms: Decodable, Sendable {
        var rooms: [String: Int]
    }

    /// Room id → sockets joined, summed over every registered chat node.
    ///
    /// - Throws: `RuntimeError` when no chat node is registered, when a node refuses the
    ///   token (another SECRET_KEY) or when none answers.
    static func liveCounts(session: OperatorSession) async throws -> [String: Int] {
        let api = try await OperatorAPIClient.make(session.settings)
        let nodes = try await session.backends.nodes.liveNodes(at: Date()).filter { $0.roles.contains(ServiceRole.chat.rawValue) }
        guard !nodes.isEmpty else {
            throw RuntimeError("--live: no chat node is running (none is registered; chatctl nodes list shows the nodes)")
        }
        let answers = await withTaskGroup(of: (NodeRecord, Result<LiveRooms, OperatorAPIClient.Failure>).self) { group in
            for node in nodes {
                group.addTask {
                    do throws(OperatorAPIClient.Failure) {
                        let live = try await api.get("/admin/rooms/live", from: node, as: LiveRooms.self)
                        return (node, .success(live))
                    } catch {
                        return (node, .failure(error))
                    }
                }
            }
            var answers: [(NodeRecord, Result<LiveRooms, OperatorAPIClient.Failure>)] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.0.id < $1.0.id }
        }
        var totals: [String: Int] = [:]
        var answered = 0
        for (node, answer) in answers {
            switch answer {
            case .success(let live):
                answered += 1
                totals.merge(live.rooms, uniquingKeysWith: +)
            case .failure(.refused(let status, let message)):
                throw RuntimeError("--live: node \(node.id) \(OperatorAPIClient.Failure.refused(status: status, message: message))")
            case .failure(let failure):
                session.logger.warning("--live: a chat node is not counted", metadata: ["node": "\(node.id)", "error": "\(failure)"])
            }
        }
        guard answered > 0 else { throw RuntimeError("--live: no chat node answered (chatctl nodes list shows why)") }
        return totals
    }
}
