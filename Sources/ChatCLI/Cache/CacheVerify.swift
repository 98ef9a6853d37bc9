import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl cache verify [ROOM | --all] [--json]`: exit 1 when a cached room differs from the store.
struct CacheVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare cached recent messages with the store; exit 1 on drift.",
        discussion: "A room whose cached ids or order differ from the store's 50 most recent is drift (fix it with `cache purge ROOM`). Rooms not cached are fine.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String?

    @Flag(name: .long, help: "Every room (the default when no room is named).")
    var all = false

    @OptionGroup var format: JSONOption

    struct Result: Encodable {
        var room: String
        var state: String
        var cached: Int
        var stored: Int
    }

    func run() async throws {
        try await OperatorSession.runWithSharedCache(global) { session in
            let rooms = try await CacheCommand.rooms(named: room, all: all || room == nil, in: session.backends.store)
            var results: [Result] = []
            for target in rooms {
                guard case .hit(let cached) = await session.backends.cache.lookup(room: target.id) else {
                    results.append(Result(room: target.name, state: "not cached", cached: 0, stored: 0))
                    continue
                }
                let stored = try await session.backends.store.recentMessages(inRoom: target.id, limit: InputRules.recentMessageCount)
                let same = cached.map(\.id) == stored.map(\.id) && cached.map(\.content) == stored.map(\.content)
                results.append(Result(room: target.name, state: same ? "ok" : "drift", cached: cached.count, stored: stored.count))
            }
            if format.json {
                try OutputJSON.print(["rooms": results])
            } else {
                TextTable.print(header: ["ROOM", "STATE", "CACHED", "STORED"], rows: results.map { [$0.room, $0.state, "\($0.cached)", "\($0.stored)"] })
            }
            if results.contains(where: { $0.state == "drift" }) { throw ExitCode.failure }
        }
    }
}
