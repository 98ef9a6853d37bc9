import ArgumentParser

/// `chatctl serve …`: run services in the foreground until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run chatctl's services in the foreground.",
        discussion: "Stops gracefully on SIGTERM or SIGINT.",
        subcommands: [ServeChat.self, ServeNotify.self, ServeScheduler.self, ServeAll.self]
    )
}
