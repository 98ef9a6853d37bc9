import ChatTestSupport
import Foundation
import Testing

/// `chatctl tail ROOM` as a process of its own beside running chat nodes, its stdout read
/// line by line: two nodes on Redis (through a Redis restart), and the embedded default
/// (one node on SQLite, the tail over the same data directory).
@Suite("chatctl tail")
struct TailCommandTests {
    static let secret = "tail-cli-secret-0123456789abcdef"

    /// The whole lines the tail printed so far.
    static func lines(_ tail: ChatctlProcess) -> [String] {
        let text = tail.stdout
        guard let end = text.lastIndex(of: "\n") else { return [] }
        return text[..<end].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The lines of `tail --json`, decoded.
    static func records(_ tail: ChatctlProcess) throws -> [[String: Any]] {
        try lines(tail).map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CLIError("not a JSON object: \(line)")
            }
            return object
        }
    }

    /// Waits (bounded) until the tail printed at least `count` lines.
    static func waitForLines(_ tail: ChatctlProcess, count: Int) async throws {
        let printed = try await waitUntil(every: .milliseconds(100)) { lines(tail).count >= count }
        if !printed { throw CLIError("tail printed \(lines(tail).count) of \(count) lines:\n\(tail.stdout)\nstderr:\n\(tail.stderr)") }
    }

    /// Posts `content` on `socket` and waits for its own echo: then it is stored.
    static func post(_ content: String, on socket: TestSocket) async throws {
        socket.send(TestSocket.message(content))
        while try await socket.nextMessageContent("the echo of \(content)") != content {}
    }

    /// What the tail printed is what was posted: each once, in order, numbered in order.
    static func expectPrinted(_ records: [[String: Any]], _ posted: [String], room: String) {
        #expect(records.map { $0["content"] as? String ?? "?" } == posted)
        let seqs = records.compactMap { $0["seq"] as? Int }
        #expect(seqs.count == records.count && zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "seq in order: \(seqs)")
        #expect(Set(records.compactMap { $0["id"] as? String }).count == records.count, "no id twice")
        #expect(records.allSatisfy { $0["room"] as? String == room && $0["timestamp"] is String && $0["sender_id"] is String })
    }

    @Test(
        "two chat nodes on Redis: every message posted on either prints once, in order, across a Redis restart",
        .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
    func twoNodesOnRedis() async throws {
        let redis = try await RedisTestServer()
        defer { redis.stop() }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-tail-\(UUID().uuidString)").path
        let environment = ["SECRET_KEY": Self.secret, "REDIS_URI": "127.0.0.1:\(redis.port)", "CHATCTL_MESSAGE_RATE_LIMIT": "0"]
        let arguments = ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir]
        let nodeA = try ChatctlProcess(arguments, environment: environment)
        defer { nodeA.stop() }
        let nodeB = try ChatctlProcess(arguments, environment: environment)
        defer { nodeB.stop() }
        let portA = try await nodeA.waitForListeningPort(), portB = try await nodeB.waitForListeningPort()
        let people = try await NotificationServiceTests.members(["ada", "bob"], room: "ops", chat: "http://127.0.0.1:\(portA)")
        let onA = TestSocket(url: "ws://127.0.0.1:\(portA)/ws/join/?name=ops&token=\(people[0].token)")
        let onB = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=ops&token=\(people[1].token)")
        for socket in [onA, onB] { _ = try await socket.nextArray() }
        func sender(_ index: Int) -> TestSocket { index.isMultiple(of: 2) ? onA : onB }

        // Before the tail starts: --last 1 shows the newest of these.
        try await Self.post("early 0", on: onA)
        try await Self.post("early 1", on: onB)
        let tail = try ChatctlProcess(["tail", "ops", "--json", "--last", "1", "--data-dir", dataDir], environment: environment)
        defer { tail.stop() }
        var posted = ["early 1"]
        try await Self.waitForLines(tail, count: posted.count)

        for index in 0..<10 {
            try await Self.post("live \(index)", on: sender(index))
            posted.append("live \(index)")
        }
        try await Self.waitForLines(tail, count: posted.count)

        // Redis goes away: the nodes deliver to their own sockets, the tail reads the store.
        redis.stop()
        for index in 0..<6 {
            try await Self.post("outage \(index)", on: sender(index))
            posted.append("outage \(index)")
        }
        try await Self.waitForLines(tail, count: posted.count)

        // Redis is back on the same port: the tail subscribes again and catches up.
        try await redis.start()
        _ = try await tail.waitForLog("Redis fan-out is back")
        for index in 0..<10 {
            try await Self.post("after \(index)", on: sender(index))
            posted.append("after \(index)")
        }
        try await Self.waitForLines(tail, count: posted.count)

        tail.stop()
        #expect(try await tail.waitForExit() == 0, "\(tail.stderr)")
        let records = try Self.records(tail)
        Self.expectPrinted(records, posted, room: "ops")
        #expect(Set(records.compactMap { $0["sender"] as? String }) == ["ada", "bob"])
        #expect(tail.stderr.components(separatedBy: "Redis fan-out unavailable").count == 2, "warned once:\n\(tail.stderr)")
        await onA.close()
        await onB.close()
    }

    @Test("the embedded default: a second process tails one serve chat over its SQLite data dir, from --since; text lines; refusals")
    func embedded() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-tail-\(UUID().uuidString)").path
        let environment = ["SECRET_KEY": Self.secret, "CHATCTL_MESSAGE_RATE_LIMIT": "0"]
        let store = ["--data-dir", dataDir]
        let server = try ChatctlProcess(["serve", "chat", "--host", "127.0.0.1", "--port", "0"] + store, environment: environment)
        defer { server.stop() }
        let port = try await server.waitForListeningPort()
        let people = try await NotificationServiceTests.members(["cyd"], room: "den", chat: "http://127.0.0.1:\(port)")
        let socket = TestSocket(url: "ws://127.0.0.1:\(port)/ws/join/?name=den&token=\(people[0].token)")
        _ = try await socket.nextArray()
        var ids: [String] = []
        for content in ["one", "two", "three"] {
            socket.send(TestSocket.message(content))
            ids.append(try #require(try await socket.nextObjectSkippingProbes("the echo of \(content)")["id"] as? String))
        }

        // Resume after "one": "two" and "three" first, then what comes.
        let tail = try ChatctlProcess(["tail", "den", "--json", "--since", ids[0]] + store, environment: environment)
        defer { tail.stop() }
        var posted = ["two", "three"]
        try await Self.waitForLines(tail, count: posted.count)
        for content in ["four", "five", "six"] {
            try await Self.post(content, on: socket)
            posted.append(content)
        }
        try await Self.waitForLines(tail, count: posted.count)
        tail.stop()
        #expect(try await tail.waitForExit() == 0, "\(tail.stderr)")
        let records = try Self.records(tail)
        Self.expectPrinted(records, posted, room: "den")
        #expect(records.allSatisfy { $0["sender"] as? String == "cyd" && $0["sender_id"] as? String == people[0].id })
        #expect(records.first?["id"] as? String == ids[1])

        // Text: `time  sender: content`, the last 2 first.
        let text = try ChatctlProcess(["tail", "den", "--last", "2"] + store, environment: environment)
        defer { text.stop() }
        try await Self.waitForLines(text, count: 2)
        try await Self.post("seven", on: socket)
        try await Self.waitForLines(text, count: 3)
        text.stop()
        #expect(try await text.waitForExit() == 0, "\(text.stderr)")
        let printed = Self.lines(text)
        #expect(printed.count == 3, "\(printed)")
        for (line, content) in zip(printed, ["five", "six", "seven"]) {
            #expect(line.hasSuffix("Z  cyd: \(content)"), "\(line)")
        }

        // What is not there is refused with the field named.
        let unknown = try await ChatctlProcess.run(["tail", "nowhere"] + store, environment: environment)
        #expect(unknown.status == 1 && unknown.stderr.contains("room 'nowhere' does not exist"), "\(unknown.stderr)")
        let gone = try await ChatctlProcess.run(["tail", "den", "--since", "0123456789abcdef01234567"] + store, environment: environment)
        #expect(gone.status == 1 && gone.stderr.contains("--since"), "\(gone.stderr)")
        let both = try await ChatctlProcess.run(["tail", "den", "--since", ids[0], "--last", "3"] + store, environment: environment)
        #expect(both.status == 64, "\(both.stderr)")
        await socket.close()
    }
}
