import ChatTestSupport
import Foundation
import Testing

/// `chatctl top` against a running `serve chat` on the embedded default (the node registry
/// in the store), its figures read from the node's metrics through the operator API.
@Suite("chatctl top")
struct TopCommandTests {
    static let secret = "top-cli-secret-0123456789abcdef0123"

    /// Each JSON line `top` printed.
    static func samples(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    /// The row of node `id` in one sample.
    static func row(_ sample: [String: Any]?, node id: String) -> [String: Any]? {
        (sample?["nodes"] as? [[String: Any]])?.first { $0["node"] as? String == id }
    }

    /// A JSON number as a Double (integral or not).
    static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue ?? (value as? Double) ?? (value as? Int).map { Double($0) }
    }

    /// Whether `value` is a number at least 0 (never more is asserted of a timing).
    static func isFigure(_ value: Any?) -> Bool {
        number(value).map { $0 >= 0 } == true
    }

    @Test("--once: the node with its sockets and rates from its counters; --samples 2 over the interval; a node without operator API keeps a row with why")
    func sampled() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-top-\(UUID().uuidString)").path
        let environment = ["SECRET_KEY": Self.secret, "CHATCTL_ADMIN_HOST": "127.0.0.1"]
        let options = ["--data-dir", dataDir]
        let server = try ChatctlProcess(["serve", "chat", "--host", "127.0.0.1", "--port", "0"] + options, environment: environment)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let id = try await NodesCommandTests.registeredID(server)

        // A socket stays open in the room; three messages go through it.
        let people = try await NotificationServiceTests.members(["ada"], room: "watched", chat: base)
        let socket = TestSocket(url: "\(base.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=watched&token=\(people[0].token)")
        _ = try await socket.nextArray()
        for index in 0..<3 { socket.send(#"{"type":"message","content":"m\#(index)"}"#) }
        for _ in 0..<3 { _ = try await socket.nextObject() }

        // The counters move as the node stores and fans out (just after the frames are
        // queued): until a sample has them, bounded.
        var last = ""
        var once: [String: Any]?
        let counted = try await waitUntil(every: .milliseconds(200)) {
            let result = try await ChatctlProcess.run(["top", "--once", "--json"] + options, environment: environment)
            last = "exit \(result.status)\n\(result.stdout)\(result.stderr)"
            guard result.status == 0, let row = Self.row((try? Self.samples(result.stdout))?.first, node: id) else { return false }
            once = row
            return (Self.number(row["messages"]) ?? 0) >= 3 && (row["connections"] as? Int ?? 0) >= 1 && row["fanoutP99Seconds"] != nil
        }
        #expect(counted, "\(last)")
        let node = try #require(once)
        #expect(node["roles"] as? [String] == ["chat"])
        #expect(node["sinceStart"] as? Bool == true, "the first sample covers the node's life")
        #expect(node["error"] == nil)
        #expect((node["connections"] as? Int ?? 0) >= 1 && node["rooms"] as? Int != nil && node["eventQueueDepth"] as? Int != nil)
        for figure in ["messagesPerSecond", "deliveriesPerSecond", "errorsPerSecond", "fanoutP99Seconds", "storeP99Seconds", "windowSeconds"] {
            #expect(Self.isFigure(node[figure]), "\(figure): \(node)")
        }

        // Two samples a second apart; stdout is not a terminal, so JSON lines without --json.
        let two = try await ChatctlProcess.run(["top", "--interval", "1s", "--samples", "2"] + options, environment: environment)
        #expect(two.status == 0, "\(two.stdout)\(two.stderr)")
        let lines = try Self.samples(two.stdout)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0["at"] is String })
        let second = try #require(Self.row(lines.last, node: id), "\(two.stdout)")
        #expect(second["sinceStart"] as? Bool == false, "the second sample covers the interval")
        #expect(Self.isFigure(second["windowSeconds"]) && Self.isFigure(second["messagesPerSecond"]))
        #expect((second["connections"] as? Int ?? 0) >= 1)
        await socket.close()

        // A scheduler without a secret key runs no operator API: a row with why, exit 1.
        let scheduler = try ChatctlProcess(["serve", "scheduler", "--host", "127.0.0.1", "--port", "0"] + options)
        defer { scheduler.stop() }
        let schedulerID = try await NodesCommandTests.registeredID(scheduler)
        let mixed = try await ChatctlProcess.run(["top", "--once", "--json"] + options, environment: environment)
        #expect(mixed.status == 1, "\(mixed.stdout)\(mixed.stderr)")
        let sample = try Self.samples(mixed.stdout).first
        let silent = try #require(Self.row(sample, node: schedulerID), "\(mixed.stdout)")
        #expect((silent["error"] as? String)?.contains("operator API") == true, "\(silent)")
        #expect(silent["messagesPerSecond"] == nil)
        #expect(Self.row(sample, node: id)?["error"] == nil, "the chat node still has its figures")
    }

    @Test("usage errors name the option", arguments: [
        (["--interval", "soon"], "--interval"), (["--interval", "2h"], "--interval"), (["--samples", "0"], "--samples"),
        (["--once", "--samples", "2"], "--once"),
    ])
    func usage(arguments: [String], option: String) async throws {
        let result = try await ChatctlProcess.run(["top"] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(option), "\(result.stderr)")
    }
}
