import ArgumentParser

/// `chatctl serve scheduler`: recurring tasks (archiving, the old-message report).
struct ServeScheduler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the scheduler: archive old messages and log the old-message report on their intervals.",
        discussion: """
            Tasks and intervals come from the scheduler.* settings (archive_every 1m, archive_older_than 30d, \
            archive_batch_size 1000, report_every 1h). Several schedulers may run: each task runs once per \
            interval across all of them (a Redis lock when redis.uri is set, else a lease in the store). \
            --host/--port set the address of its /healthz, /readyz and /metrics (default 0.0.0.0:8090).
            """
    )

    @OptionGroup var options: ServeOptions

    func run() async throws {
        try await ServeRunner.run(roles: [.scheduler], options: options)
    }
}
