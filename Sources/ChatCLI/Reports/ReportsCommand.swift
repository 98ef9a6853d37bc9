import ArgumentParser

/// `chatctl reports …`: members' reports of messages, and their resolution.
struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "List members' reports of messages and resolve them: delete, redact, mute, ban or nothing.",
        discussion: """
            A member reports a message of a room it belongs to with POST /api/message/report/ \
            {"id","reason"} (one report per member and message, limits.reports_per_hour per \
            member). reports list shows them, newest first; reports resolve acts on one — through \
            the same steps as messages delete|redact, rooms mute and users ban — and records who \
            did what. A report is resolved once. Resolving is recorded in the audit trail \
            (chatctl audit list).

            Not to be confused with `chatctl report old-messages`, the read-only report of how \
            many messages archiving would move.
            """,
        subcommands: [ReportsList.self, ReportsResolve.self],
        defaultSubcommand: ReportsList.self
    )
}
