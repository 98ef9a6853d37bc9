import ArgumentParser

/// `chatctl audit …`: the trail of what operators changed.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the audit trail: who changed what with chatctl, when, and how it ended.",
        discussion: """
            Every chatctl command that changes data records one entry in the store (SQLite \
            audit_log, MongoDB chatctl_audit_log): the OS user and host that ran it, the time, the \
            command, what it acted on, its options (never a password, token or credential) and \
            its outcome (ok, or the error). Read-only commands and dry runs record nothing. \
            chatctl never prunes the trail.
            """,
        subcommands: [AuditList.self],
        defaultSubcommand: AuditList.self
    )
}
