import ArgumentParser
import ChatRuntime

/// `chatctl bench …`: the project's own load generator.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a running chat service: room fan-out, join latency, memory per idle socket.",
        discussion: """
            By default the bench provisions its own users and rooms straight in the configured \
            store (so run it with the service's configuration, SECRET_KEY included: it signs \
            their tokens) and deletes them afterwards. With --no-auth it sends no token and \
            uses --room as given (for the peer servers in ../shared/bench).

            Start the server with CHATCTL_MESSAGE_RATE_LIMIT=0: its per-socket message rate \
            limit (20 a second by default) would refuse a load test's messages. (The bench's \
            own users hold one socket each; a generator that connects every client with one \
            token also needs CHATCTL_LIMITS_CONNECTIONS_PER_USER=0.) Benchmarks print \
            figures; nothing here asserts a timing. See BENCHMARKS.md.
            """,
        subcommands: [BenchFanout.self, BenchJoin.self, BenchIdle.self]
    )
}

/// Where and how a bench connects (shared by every bench command).
struct BenchTarget: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The chat service (default: chat.host and chat.port, 0.0.0.0 read as 127.0.0.1).", valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("The server's process id: its CPU time and RSS are read from /proc.", valueName: "pid"))
    var serverPID: Int32?

    @Flag(name: .long, help: "No users or tokens: connect without Authorization to --room (peer servers).")
    var noAuth = false

    @Option(name: .long, help: ArgumentHelp("Room name (or prefix, NAME-0…NAME-K-1 for K rooms) with --no-auth.", valueName: "name"))
    var room = "bench"

    @Flag(name: .long, help: "Keep the provisioned users and rooms (and their messages) afterwards.")
    var keep = false

    @OptionGroup var format: JSONOption

    func baseURL(_ settings: Settings) -> String {
        url ?? "http://\(DoctorCommand.reachable(settings.chatHost)):\(settings.chatPort)"
    }
}
