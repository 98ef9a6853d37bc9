import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl users list [--search S] [--limit N] [--json] [-q]`.
struct UsersList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Users ordered by username, optionally matching a search.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only users whose username or email contains this text (case-insensitive).", valueName: "text"))
    var search: String?

    @Option(name: .long, help: ArgumentHelp("At most this many users.", valueName: "n"))
    var limit = 100

    @OptionGroup var format: JSONOption

    @Flag(name: .short, help: "Only the usernames, one per line.")
    var q = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let users = try await OperatorSession.run(global) { session in
            try await session.backends.store.users(matching: search, limit: limit)
        }
        if q {
            users.forEach { print($0.username) }
        } else if format.json {
            try OutputJSON.print(["users": users.map(UserLookup.Row.init)])
        } else {
            TextTable.print(
                header: ["USERNAME", "EMAIL", "STATUS", "CREATED", "ID"],
                rows: users.map { [$0.username, $0.email, RestrictionText.status($0), RFC3339.string(from: $0.createdAt), $0.id.hex] })
        }
    }
}
