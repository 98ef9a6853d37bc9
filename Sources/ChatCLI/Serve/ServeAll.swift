import ArgumentParser
import ChatRuntime

/// `chatctl serve all`: every service in one process (chat, notify, scheduler).
struct ServeAll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run every service in one process on the configured backends (the embedded default when none is set).",
        discussion: """
            Runs the chat service (--port, default \(SettingKey.chatPort.defaultText ?? "")) and the notification service (--notify-port, default             \(SettingKey.notifyPort.defaultText ?? "")). Without RabbitMQ, message events go from one to the other inside the process; with             rabbitmq.url set they go through RabbitMQ as between separate processes. The scheduler archives \
            old messages on its interval (scheduler.* settings).
            """
    )

    @OptionGroup var options: ServeOptions

    func run() async throws {
        try await ServeRunner.run(roles: [.chat, .notify, .scheduler], options: options)
    }
}
