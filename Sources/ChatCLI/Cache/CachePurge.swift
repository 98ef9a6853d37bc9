import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl cache purge [ROOM | --all] [--yes]`.
struct CachePurge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Drop cached recent messages (rebuilt from the store by the next join).",
        discussion: "Safe at any time: the cache is disposable. --all asks first on a terminal and needs --yes otherwise.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String?

    @Flag(name: .long, help: "Every room.")
    var all = false

    @OptionGroup var confirmation: ConfirmationOption

    func run() async throws {
        try await OperatorSession.runWithSharedCache(global) { session in
            try await session.audited("cache purge", target: room, arguments: all ? ["all": "true"] : [:]) {
                let rooms = try await CacheCommand.rooms(named: room, all: all, in: session.backends.store)
                if all { try confirmation.require("Drop the cached messages of all \(rooms.count) rooms?") }
                for target in rooms { await session.backends.cache.invalidate(room: target.id, name: target.name) }
                print("purged the cache of \(rooms.count) room\(rooms.count == 1 ? "" : "s")")
            }
        }
    }
}
