import ArgumentParser

/// `chatctl serve all`: every service in one process (today: the chat service).
struct ServeAll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run every service in one process on the configured backends (the embedded default when none is set).",
        discussion: "Today this runs the chat service; the notification service and the scheduler join it as they land."
    )

    @OptionGroup var options: ServeOptions

    func run() async throws {
        try await ServeRunner.run(roles: [.chat], options: options)
    }
}
