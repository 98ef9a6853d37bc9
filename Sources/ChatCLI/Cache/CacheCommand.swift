import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl cache …`: the shared recent-message cache (Redis).
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect, check, warm or drop the recent-message cache (Redis).",
        discussion: """
            The cache holds each room's 50 most recent messages so a join reads one key; it is disposable \
            (rebuilt from the store on a miss). These commands need redis.uri: with the embedded default each \
            serving process has its own in-memory cache, out of reach of the CLI.
            """,
        subcommands: [CacheShow.self, CacheVerify.self, CacheWarm.self, CachePurge.self]
    )

    /// The rooms a command addresses: one by name, or all with `--all`.
    static func rooms(named name: String?, all: Bool, in store: any ChatStore) async throws -> [Room] {
        if all { return try await store.allRooms() }
        guard let name else { throw ValidationError("name a room or pass --all") }
        guard let room = try await store.room(named: name) else { throw RuntimeError("room '\(name)' does not exist") }
        return [room]
    }
}
