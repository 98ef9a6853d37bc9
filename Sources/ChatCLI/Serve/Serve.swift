import ArgumentParser

/// `chatctl serve …`: run services in the foreground until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run chatctl's services in the foreground.",
        discussion: """
            Stops gracefully on SIGTERM or SIGINT. SIGHUP (or `chatctl config reload`) reads the \
            configuration again — the flags given at start, the environment as it was at start, the \
            config file as it is now — and applies the log level, the limits and the allowed origins \
            at once; the log names every other changed setting as needing a restart. A configuration \
            that does not validate is refused (logged, naming the setting) and the one in force kept.
            """,
        subcommands: [ServeChat.self, ServeNotify.self, ServeScheduler.self, ServeAll.self]
    )
}
