import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl config reload [--node ID] [--json]`.
struct ConfigReload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Have the running nodes read their configuration again and apply what can change live.",
        discussion: """
            Asks every registered node (or the one named with --node) through its operator API \
            (POST /admin/config/reload, an operator token signed with SECRET_KEY), as SIGHUP to the \
            process does. Each node reads its configuration through the layers it started with: the \
            flags given at start, the environment as it was at start, and its config file as it is \
            now. It applies at once: \(liveKeys). Every other changed setting is reported as needing \
            a restart and keeps its value until then. A configuration that does not load or validate \
            is refused, naming the setting at fault, and the node keeps the one in force. \
            Prints per node what it applied and what needs a restart; exit 1 when a node refused \
            or did not answer. Audited.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only the node with this id (as `chatctl nodes list` shows it).", valueName: "id"))
    var node: String?

    @OptionGroup var format: JSONOption

    /// The live settings, for the help.
    static var liveKeys: String {
        SettingKey.all.filter(ReloadPlan.isLive).map(\.key).joined(separator: ", ")
    }

    /// One node's outcome, as printed.
    struct Row: Encodable, Sendable {
        var id: String
        var applied: [String]?
        var needsRestart: [String]?
        /// Why the node did not reload (refused, unreachable).
        var error: String?
        /// The setting the node named when it refused.
        var key: String?

        enum CodingKeys: String, CodingKey {
            case id, applied, error, key
            case needsRestart = "needs_restart"
        }
    }

    /// What `POST /admin/config/reload` answers.
    struct Answer: Decodable, Sendable {
        var applied: [String]
        var needsRestart: [String]

        enum CodingKeys: String, CodingKey {
            case applied
            case needsRestart = "needs_restart"
        }
    }

    func run() async throws {
        // Not validated here: what a node would refuse is for the node to name (its
        // answer carries the setting at fault); this process only needs the registry.
        let settings = try await global.settingsLoader().load()
        let api = try await OperatorAPIClient.make(settings)
        let arguments = node.map { ["node": $0] } ?? [:]
        try await OperatorSession.runAudited(settings: settings, "config reload", target: node, arguments: arguments) { session in
            let records = try await session.backends.nodes.liveNodes(at: Date())
            let chosen = node.map { id in records.filter { $0.id == id } } ?? records
            if let node, chosen.isEmpty {
                throw RuntimeError("no running node has id \(node) (chatctl nodes list shows the nodes)")
            }
            let rows = await Self.reload(chosen, api: api)
            try Self.printRows(rows, json: format.json)
            let failed = rows.filter { $0.error != nil }
            if !failed.isEmpty {
                throw RuntimeError("\(failed.count) of \(rows.count) nodes did not reload: \(failed.map(\.id).joined(separator: ", "))")
            }
        }
    }

    /// Asks every node at once; rows in the order of `records`.
    static func reload(_ records: [NodeRecord], api: OperatorAPIClient) async -> [Row] {
        await withTaskGroup(of: (Int, Row).self) { group in
            for (index, record) in records.enumerated() {
                group.addTask {
                    do throws(OperatorAPIClient.Failure) {
                        let answer = try await api.post("/admin/config/reload", to: record, as: Answer.self)
                        return (index, Row(id: record.id, applied: answer.applied, needsRestart: answer.needsRestart))
                    } catch {
                        if case .declined(_, let message, let key) = error { return (index, Row(id: record.id, error: message, key: key)) }
                        return (index, Row(id: record.id, error: "\(error)"))
                    }
                }
            }
            var rows: [(Int, Row)] = []
            for await row in group { rows.append(row) }
            return rows.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// One line per node, or one JSON document `{"nodes": […]}`.
    static func printRows(_ rows: [Row], json: Bool) throws {
        if json {
            try OutputJSON.print(["nodes": rows])
            return
        }
        guard !rows.isEmpty else {
            Swift.print("no node is running: nothing to reload")
            return
        }
        for row in rows {
            if let error = row.error {
                Swift.print("\(row.id): not reloaded: \(error)")
                continue
            }
            let applied = row.applied ?? [], restart = row.needsRestart ?? []
            func list(_ keys: [String]) -> String { keys.isEmpty ? "none" : keys.joined(separator: ", ") }
            if applied.isEmpty && restart.isEmpty {
                Swift.print("\(row.id): reloaded, nothing changed")
            } else {
                Swift.print("\(row.id): reloaded; applied: \(list(applied)); needs a restart: \(list(restart))")
            }
        }
    }
}
