import ArgumentParser
import ChatRuntime
import Foundation

/// `chatctl db ensure-indexes [--json]`.
struct EnsureIndexes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensure-indexes",
        abstract: "Create the MongoDB indexes the store relies on (idempotent).",
        discussion: """
            Unique clients.username, clients.email and rooms.name (uniqueness is enforced by these \
            indexes), messages {room_id, timestamp}, {timestamp} and {room_id, seq}, notifications \
            {receiver_id, seen, timestamp}. Services also ensure them at start-up. With the embedded SQLite store there is \
            nothing to do (its migrations create its indexes).
            """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: JSONOption

    func run() async throws {
        let settings = try await global.loadSettings()
        let report = try await StoreMaintenance.ensureIndexes(settings: settings)
        if format.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("\(report.store) store: \(report.location)")
        let width = report.indexes.map { $0.collection.count + $0.name.count + 1 }.max() ?? 0
        for index in report.indexes {
            let name = "\(index.collection).\(index.name)".padding(toLength: width, withPad: " ", startingAt: 0)
            print("  \(name)  {\(index.keys)}\(index.unique ? "  unique" : "")")
        }
        print(report.note)
    }
}
