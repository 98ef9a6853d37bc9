import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl audit [list] [--since T] [--actor A] [--limit N] [--json]`.
struct AuditList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Audit records, newest first (the default subcommand).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only records since then: 90m, 12h, 7d, 2w ago, or an RFC 3339 time.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only this OS user's records: user, or user@host.", valueName: "actor"))
    var actor: String?

    @Option(name: .long, help: ArgumentHelp("At most this many records (1–10000).", valueName: "n"))
    var limit = 100

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        if let actor, actor.isEmpty { throw ValidationError("--actor is empty") }
    }

    /// One record as printed (`--json`: this object).
    struct Row: Encodable {
        var id: String
        var at: String
        var actor: String
        var user: String
        var host: String
        var command: String
        var target: String?
        var arguments: [String: String]
        var outcome: String
        var error: String?

        init(_ record: AuditRecord) {
            id = record.id.hex
            at = RFC3339.string(from: record.at)
            self.actor = record.actor.description
            user = record.actor.user
            host = record.actor.host
            command = record.command
            target = record.target
            arguments = record.arguments
            outcome = record.outcome.name
            error = record.outcome.error
        }
    }

    func run() async throws {
        var from: Date?
        if let since {
            do {
                from = try AgeCutoff.parse(since, field: "since")
            } catch let error as ChatError {
                throw ValidationError("--since: \(error.message)")
            }
        }
        let query = AuditQuery(since: from, actor: actor, limit: limit)
        let rows = try await OperatorSession.run(global) { session in
            try await session.auditTrail.records(query).map(Row.init)
        }
        if format.json {
            try OutputJSON.print(["records": rows])
            return
        }
        TextTable.print(
            header: ["TIME", "ACTOR", "COMMAND", "TARGET", "OUTCOME", "ARGUMENTS"],
            rows: rows.map { row in
                [row.at, row.actor, row.command, row.target ?? "-", row.error.map { "error: \($0)" } ?? row.outcome,
                 row.arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")]
            })
    }
}
