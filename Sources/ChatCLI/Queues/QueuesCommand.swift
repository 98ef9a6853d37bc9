import ArgumentParser
import ChatRuntime

/// `chatctl queues …`: the RabbitMQ queues chatctl uses.
struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues",
        abstract: "Inspect, empty and migrate chatctl's RabbitMQ queues (the event queue and its dead-letter queue).",
        subcommands: [QueuesList.self, QueuesPeek.self, QueuesPurge.self, QueuesMigrate.self]
    )
}
