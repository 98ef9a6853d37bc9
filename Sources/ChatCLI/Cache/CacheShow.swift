import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl cache show ROOM [--json]`.
struct CacheShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a room's cached recent messages, newest first.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @OptionGroup var format: JSONOption

    struct Output: Encodable {
        var room: String
        var cached: Bool
        var messages: [Item]

        struct Item: Encodable {
            var id: String
            var seq: Int64
            var sender: String
            var timestamp: String
            var content: String
        }
    }

    func run() async throws {
        try await OperatorSession.runWithSharedCache(global) { session in
            let target = try await CacheCommand.rooms(named: room, all: false, in: session.backends.store)[0]
            var output = Output(room: target.name, cached: false, messages: [])
            if case .hit(let messages) = await session.backends.cache.lookup(room: target.id) {
                output.cached = true
                output.messages = messages.map {
                    .init(id: $0.id.hex, seq: $0.sequence, sender: $0.shownSenderName, timestamp: RFC3339.string(from: $0.timestamp), content: $0.content)
                }
            }
            if format.json {
                try OutputJSON.print(output)
            } else if !output.cached {
                print("room \(target.name): not cached (the next join fills it from the store)")
            } else {
                print("room \(target.name): \(output.messages.count) cached messages, newest first")
                TextTable.print(header: ["SEQ", "TIME", "SENDER", "CONTENT"], rows: output.messages.map { ["\($0.seq)", $0.timestamp, $0.sender, String($0.content.prefix(60))] })
            }
        }
    }
}
