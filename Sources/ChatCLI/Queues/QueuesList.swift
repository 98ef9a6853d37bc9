import ArgumentParser
import ChatRuntime

/// `chatctl queues list [--json]`.
struct QueuesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "chatctl's queues with their durability, ready messages and consumers.",
        discussion: """
            Lists the event queue (rabbitmq.queue, default send_notification) and its dead-letter queue. \
            Counts come from a passive declare over AMQP: ready messages and consumers (unacknowledged \
            counts need RabbitMQ's management plugin: `rabbitmqctl list_queues name messages_ready \
            messages_unacknowledged consumers`). A queue not declared yet is shown as missing; nothing \
            is created.

            Durability is found the way the services find it, by declaring the queue with their \
            arguments (a declare that matches changes nothing; one that does not is refused, and \
            RabbitMQ logs that refusal as a channel error): the event queue may be either with \
            rabbitmq.queue_durable=auto, must be durable with true, non-durable with false; the \
            dead-letter queue must be durable. Exit code 1 when a queue is not what the services \
            need (they cannot declare it), with the reason.
            """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: JSONOption

    func run() async throws {
        let admin = try QueueAdmin(settings: try await global.loadSettings())
        defer { admin.close() }
        var rows: [QueueAdmin.Status] = []
        for name in admin.queueNames { rows.append(try await admin.status(of: name)) }
        if format.json {
            try OutputJSON.print(["queues": rows])
        } else {
            TextTable.print(
                header: ["NAME", "DURABLE", "READY", "CONSUMERS"],
                rows: rows.map { row in
                    [row.name, row.durable.map { $0 ? "yes" : "no" } ?? "-", row.ready.map(String.init) ?? "missing", row.consumers.map(String.init) ?? "-"]
                })
            for row in rows {
                if let problem = row.problem {
                    print("\(row.name): \(problem)")
                } else if row.durable == false {
                    print("\(row.name): non-durable: its events are lost if the broker restarts (`chatctl queues migrate` once the Go services are gone)")
                }
            }
        }
        if rows.contains(where: { $0.problem != nil }) { throw ExitCode(1) }
    }
}
