import ArgumentParser
import ChatRuntime
import Foundation

/// `chatctl queues peek QUEUE [-n N] [--json]`.
struct QueuesPeek: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peek",
        abstract: "Show the first messages of a queue without removing them.",
        discussion: "Messages are taken with basic.get and returned to the queue in place: nothing is lost and the counts are unchanged. Dead-lettered messages show their reason (x-chatctl-reason)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The queue, e.g. send_notification or send_notification.dead.", valueName: "queue"))
    var queue: String

    @Option(name: .short, help: ArgumentHelp("How many messages (1–100).", valueName: "n"))
    var n = 10

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard (1...100).contains(n) else { throw ValidationError("-n must be between 1 and 100") }
    }

    func run() async throws {
        let admin = try QueueAdmin(settings: try await global.loadSettings())
        defer { admin.close() }
        let items = try await admin.peek(queue, limit: n)
        if format.json {
            try OutputJSON.print(["queue": AnyEncodable(queue), "messages": AnyEncodable(items)])
            return
        }
        if items.isEmpty { print("\(queue) is empty") }
        for item in items {
            var line = "#\(item.position) \(item.bytes) bytes"
            if let id = item.messageID { line += " id=\(id)" }
            if item.redelivered { line += " redelivered" }
            for (key, value) in item.headers.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
            print(line)
            print("  " + (item.body.count > 500 ? String(item.body.prefix(500)) + "…" : item.body))
        }
    }
}

/// Mixed values in one JSON object.
struct AnyEncodable: Encodable {
    let encode: (any Encoder) throws -> Void
    init(_ value: some Encodable) { encode = value.encode }
    func encode(to encoder: any Encoder) throws { try encode(encoder) }
}
