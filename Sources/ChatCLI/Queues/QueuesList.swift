import ArgumentParser
import ChatRuntime

/// `chatctl queues list [--json]`.
struct QueuesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "chatctl's queues with their ready messages and consumers.",
        discussion: """
            Lists the event queue (rabbitmq.queue, default send_notification) and its dead-letter queue. \
            Counts come from a passive declare over AMQP: ready messages and consumers (unacknowledged \
            counts need RabbitMQ's management plugin: `rabbitmqctl list_queues name messages_ready \
            messages_unacknowledged consumers`). A queue not declared yet is shown as missing.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print one JSON document.")
    var json = false

    func run() async throws {
        let admin = try QueueAdmin(settings: try await global.loadSettings())
        defer { admin.close() }
        var rows: [QueueAdmin.Status] = []
        for name in admin.queueNames { rows.append(try await admin.status(of: name)) }
        if json {
            try OutputJSON.print(["queues": rows])
            return
        }
        TextTable.print(
            header: ["NAME", "READY", "CONSUMERS"],
            rows: rows.map { [$0.name, $0.ready.map(String.init) ?? "missing", $0.consumers.map(String.init) ?? "-"] })
    }
}
