import ArgumentParser
import ChatRuntime
import Foundation

/// `chatctl queues migrate [--dry-run] [--json]`.
struct QueuesMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Make the event queue durable without losing an event (once the Go services are gone).",
        discussion: """
            The Go services declare the event queue (rabbitmq.queue, default send_notification) \
            non-durable: a broker restart drops it with every event in it. A queue's durability \
            cannot change, so this replaces it: every event is moved to a durable temporary queue \
            (QUEUE.migrating), each one published persistent and confirmed before the original is \
            acknowledged; the old queue is deleted once it is empty and has no consumers (the \
            broker checks both in the same step), declared again durable, and the events are moved \
            back in order.

            Stop every notification service first (chatctl serve notify and the Go one): while the \
            queue has consumers nothing is moved (exit code 3). Stop the Go chat services too: \
            what they publish while the queue is being replaced is lost. chatctl chat services \
            publish mandatory: an event published while the queue is missing comes back to them \
            and is published again once the queue exists (they declare it, durable). One gap \
            remains: RabbitMQ confirms an event that is on its way to the old queue in the instant \
            the queue is deleted without keeping it, so to be sure of losing none, stop the chat \
            services as well, or run this when nobody posts. Set rabbitmq.queue_durable to auto or \
            true first.

            Safe to run again: a run that was killed leaves its events in QUEUE.migrating and the \
            next run moves them back first. A kill between a confirm and the acknowledgement can \
            leave one batch of events in both queues (chatctl's notification service stores one \
            notification per event however often it arrives).

            Exit codes: 0 done, or nothing to do; 1 failure; 3 refused: the queue has consumers \
            (also with --dry-run).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Say what would be moved; change nothing.")
    var dryRun = false

    @OptionGroup var format: JSONOption

    func run() async throws {
        let settings = try await global.loadSettings()
        let admin = try QueueAdmin(settings: settings)
        defer { admin.close() }
        let progress = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
        func migrate() async throws -> QueueAdmin.Migration {
            try await admin.migrate(dryRun: dryRun) { phase, done, total in
                progress.update(done: done, total: total, noun: Self.noun(phase))
            }
        }
        let migration: QueueAdmin.Migration
        do {
            if dryRun {
                migration = try await migrate()
            } else {
                // Recorded in the audit trail (a dry run changes nothing and is not).
                migration = try await OperatorSession.runAudited(settings: settings, "queues migrate", target: settings.rabbitMQQueue) { _ in
                    try await migrate()
                }
            }
        } catch let refused as QueueAdmin.MigrationRefused {
            progress.finish()
            if format.json {
                try OutputJSON.print(["refused": AnyEncodable(refused.description), "migration": AnyEncodable(refused.migration)])
            } else {
                for step in refused.migration.steps { print(step) }
            }
            FileHandle.standardError.write(Data("Error: \(refused.description)\n".utf8))
            throw ExitCode(3)
        }
        progress.finish()
        if format.json {
            try OutputJSON.print(migration)
            return
        }
        if dryRun { print("dry run: nothing changed; the steps would be:") }
        for step in migration.steps { print((dryRun ? "  " : "") + step) }
        if !dryRun, migration.durable == true, migration.wasDurable == false {
            print("\(migration.queue) is durable now: it and its events (all persistent) survive a broker restart")
        }
    }

    static func noun(_ phase: QueueAdmin.MigrationPhase) -> String {
        switch phase {
        case .recovering: "moved back from an interrupted run"
        case .draining: "moved out"
        case .returning: "moved back"
        }
    }
}
