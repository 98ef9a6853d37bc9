import ArgumentParser

/// `chatctl serve scheduler`: recurring tasks (archiving, the old-message report).
struct ServeScheduler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the scheduler: archive old messages, delete archived ones past their retention, and log a report, on their intervals.",
        discussion: """
            Tasks and intervals come from the scheduler.* settings (archive_every 1m, archive_older_than 30d, \
            archive_batch_size 1000, report_every 1h) and retention.default (none). Each archive run archives \
            every room at its own age and deletes its archived messages past its retention (rooms set \
            --archive-after/--retention, else those defaults), then counts again what was due: anything left \
            fails the run (an error naming the rooms, chatctl_archive_runs_unfinished_total). Several \
            schedulers may run: each task runs once per interval across all of them (a Redis lock when \
            redis.uri is set, else a lease in the store), and an archive run holds the archive lock that \
            chatctl archive also takes (while a command holds it, the run is skipped). --host/--port set the \
            address of its /healthz, /readyz and /metrics (default 0.0.0.0:8090).
            """
    )

    @OptionGroup var options: ServeOptions

    func run() async throws {
        try await ServeRunner.run(roles: [.scheduler], options: options)
    }
}
