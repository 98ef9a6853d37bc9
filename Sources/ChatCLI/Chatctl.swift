import ArgumentParser

/// The root of the command tree: `chatctl <command>`.
public struct Chatctl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "chatctl",
        abstract: "Run and operate the chatctl room-based chat backend.",
        discussion: """
            With no backend configured, `chatctl serve all` runs on the embedded default: a SQLite \
            file under --data-dir plus in-process cache, fan-out and queue.

            Configuration layers, highest first: flags, CHATCTL_* environment variables, the Go \
            system's variables (SECRET_KEY, MONGO_URI, DATABASE_NAME, REDIS_URI, RABBITMQ_URL, \
            RABBITMQ_USERNAME, RABBITMQ_PASSWORD, LOG_LEVEL), the config file (--config, \
            CHATCTL_CONFIG or /etc/chatctl/config.{json,yaml}), built-in defaults. \
            `chatctl config show --explain` prints each effective value and where it came from.

            Every command that changes data records who ran it, when, on what and how it ended \
            in the store's audit trail (`chatctl audit list`).

            Exit codes: 0 success, 1 failure, 64 usage error.
            """,
        version: ChatctlVersion.current,
        subcommands: [Serve.self, NodesCommand.self, TopCommand.self, ConnectionsCommand.self, UsersCommand.self, RoomsCommand.self, MessagesCommand.self, PostCommand.self, ReportsCommand.self, TailCommand.self, ArchiveCommand.self, ReportCommand.self, QueuesCommand.self, CacheCommand.self, TokenCommand.self, AuditCommand.self, DoctorCommand.self, BenchCommand.self, ConfigCommand.self, DatabaseCommand.self]
    )

    public init() {}
}

/// The version printed by `chatctl --version`.
public enum ChatctlVersion {
    public static let current = "0.1.0"
}
