import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl cache warm [ROOM | --all]`: fill from the store what is not cached.
struct CacheWarm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "warm", abstract: "Fill the cache from the store for rooms not cached yet.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String?

    @Flag(name: .long, help: "Every room.")
    var all = false

    func run() async throws {
        try await OperatorSession.runWithSharedCache(global) { session in
            var warmed = 0
            let rooms = try await CacheCommand.rooms(named: room, all: all, in: session.backends.store)
            for target in rooms {
                // The same fill as a join's miss, race-free with concurrent posts (fill token).
                if case .miss(let token) = await session.backends.cache.lookup(room: target.id) {
                    let messages = try await session.backends.store.recentMessages(inRoom: target.id, limit: InputRules.recentMessageCount)
                    await session.backends.cache.fill(room: target.id, messages: messages, fillToken: token)
                    warmed += 1
                }
            }
            print("warmed \(warmed) of \(rooms.count) rooms (the others were cached)")
        }
    }
}
