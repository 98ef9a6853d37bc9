import ArgumentParser

/// `chatctl archive …`: move old messages to `archived_messages` and back.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Archive old messages (exactly once) and delete archived ones past their retention; plan it; restore.",
        discussion: """
            `chatctl archive --older-than 30d` moves every message older than 30 days, in batches: each \
            batch is copied (idempotently) and only then deleted from messages, so an interrupted run \
            followed by a rerun leaves every message exactly once in messages or archived_messages. \
            The Go scheduler copies old messages without deleting them and keeps their ids, so its \
            second run stops at the first copy already archived and archives nothing after it; chatctl \
            moves each message once and takes it out of messages.

            Without --older-than, `chatctl archive` does what the scheduler's archive run does: each \
            room's messages archived at the room's own age (rooms set --archive-after, default \
            scheduler.archive_older_than), then its archived messages older than its retention \
            deleted (rooms set --retention, default retention.default: none). `chatctl archive plan` \
            shows what that would do, changing nothing. Every run counts again afterwards what is \
            due and exits 1 naming the rooms when something is left.
            """,
        subcommands: [ArchiveRun.self, ArchivePlan.self, ArchiveRestore.self],
        defaultSubcommand: ArchiveRun.self
    )
}
