import ArgumentParser

/// `chatctl archive …`: move old messages to `archived_messages` and back.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Move old messages to archived_messages (exactly once), or restore them.",
        discussion: """
            `chatctl archive --older-than 30d` moves every message older than 30 days, in batches: each \
            batch is copied (idempotently) and only then deleted from messages, so an interrupted run \
            followed by a rerun leaves every message exactly once in messages or archived_messages. \
            The Go scheduler copies old messages without deleting them and keeps their ids, so its \
            second run stops at the first copy already archived and archives nothing after it; chatctl \
            moves each message once and takes it out of messages.
            """,
        subcommands: [ArchiveRun.self, ArchiveRestore.self],
        defaultSubcommand: ArchiveRun.self
    )
}
