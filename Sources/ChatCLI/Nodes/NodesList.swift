import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl nodes list [--json]`.
struct NodesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every running node with its roles, addresses, connections, rooms and health.",
        discussion: """
            Every serving process (serve chat, notify, scheduler or all) registers itself in the \
            shared backend — Redis when redis.uri is set, else the store — and rewrites its record \
            every 5 seconds; a node that stops is removed at once, one that dies disappears within \
            15 seconds. Each node's operator API (admin.host, admin.port) is asked for its current \
            figures and readiness with a short-lived operator token signed with the configured \
            SECRET_KEY; a node that does not answer is shown with its last record and why. A node \
            whose gentle drain started (chatctl nodes drain) has the health draining until it is \
            restarted.
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: JSONOption

    /// One node as printed: its record (the node's own answer when it gave one) and its health.
    struct Row: Encodable, Sendable {
        var id: String
        var roles: [String]
        var host: String
        var pid: Int
        var version: String
        var startedAt: String
        var ports: [String: Int]
        /// `host:port` of the operator API.
        var admin: String?
        var connections: Int
        var rooms: Int
        var refreshedAt: String
        /// `ready`, `unavailable` or `draining` (as `/readyz` says), or `unknown` when the node did not tell.
        var health: String
        /// Its gentle drain once one started (`draining`, `drained`, `cancelled`), as its record says.
        var drain: String?
        /// The backends the node cannot reach (when `unavailable`).
        var failing: [String]
        /// Why the health is `unknown`.
        var problem: String?

        init(_ record: NodeRecord, health: String, failing: [String] = [], problem: String? = nil) {
            id = record.id
            roles = record.roles
            host = record.host
            pid = record.pid
            version = record.version
            startedAt = RFC3339.string(from: record.startedAt)
            ports = record.ports
            admin = record.admin?.description
            connections = record.connections
            rooms = record.rooms
            refreshedAt = RFC3339.string(from: record.refreshedAt)
            self.health = health
            drain = record.drain
            self.failing = failing
            self.problem = problem
        }
    }

    /// What `GET /admin/node` answers.
    struct NodeStatus: Decodable, Sendable {
        struct Health: Decodable, Sendable {
            var status: String
            var failing: [String]
        }

        var node: NodeRecord
        var health: Health
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let records = try await OperatorSession.run(settings: settings) { session in
            try await session.backends.nodes.liveNodes(at: Date())
        }
        let rows = await Self.rows(records, api: try? await OperatorAPIClient.make(settings))
        if format.json {
            try OutputJSON.print(["nodes": rows])
        } else if rows.isEmpty {
            print("no node is running (none registered in the \(settings.redisURI == nil ? "store" : "Redis") registry)")
        } else {
            let now = Date()
            TextTable.print(
                header: ["NODE", "ROLES", "HOST", "PID", "VERSION", "UP", "PORTS", "ADMIN", "CONNECTIONS", "ROOMS", "HEALTH"],
                rows: rows.map { row in
                    let started = RFC3339.date(from: row.startedAt) ?? now
                    let health = row.failing.isEmpty ? row.health : "\(row.health) (\(row.failing.joined(separator: ", ")))"
                    return [
                        row.id, row.roles.joined(separator: ","), row.host, "\(row.pid)", row.version, Self.uptime(now.timeIntervalSince(started)),
                        row.ports.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "), row.admin ?? "-",
                        "\(row.connections)", "\(row.rooms)", row.problem.map { "\(health): \($0)" } ?? health,
                    ]
                })
        }
    }

    /// Each record with what its operator API says now, asked of every node at once.
    /// Without `api` (no secret key configured here) the health is unknown.
    static func rows(_ records: [NodeRecord], api: OperatorAPIClient?) async -> [Row] {
        guard let api else {
            return records.map { Row($0, health: "unknown", problem: "no secret key configured here to ask the node") }
        }
        return await withTaskGroup(of: (Int, Row).self) { group in
            for (index, record) in records.enumerated() {
                group.addTask {
                    do throws(OperatorAPIClient.Failure) {
                        let status = try await api.get("/admin/node", from: record, as: NodeStatus.self)
                        return (index, Row(status.node, health: status.health.status, failing: status.health.failing))
                    } catch {
                        return (index, Row(record, health: "unknown", problem: "\(error)"))
                    }
                }
            }
            var rows: [(Int, Row)] = []
            for await row in group { rows.append(row) }
            return rows.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// `45s`, `12m`, `3h05m`, `2d04h`.
    static func uptime(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds))
        let (days, hours, minutes) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if days > 0 { return "\(days)d\(two(hours))h" }
        if hours > 0 { return "\(hours)h\(two(minutes))m" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(total)s"
    }
}
