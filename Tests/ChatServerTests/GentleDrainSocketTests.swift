import ChatBackends
import ChatCore
import ChatServer
import ChatTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOWebSocket
import Testing

/// Two chat nodes in this process on one store, one cache and one fan-out (as two nodes
/// behind a balancer share MongoDB and Redis): node A runs a gentle drain and the operator
/// API's drain routes over it, node B is where clients come back.
struct DrainHarness: Sendable {
    static let nodeID = "drain-node-a"

    let a: LiveChat
    let b: LiveChat
    let admin: any TestClientProtocol
    let tokens: any OperatorTokenAuthority
    let drain: NodeDrain

    static func run(_ body: @Sendable (DrainHarness) async throws -> Void) async throws {
        let store = MemoryChatStore(), cache = MemoryRecentCache(), fanout = LocalFanout()
        let portsA = await ChatPorts.inMemory(store: store, cache: cache, fanout: fanout, label: "node-a", logLevel: .warning)
        let portsB = await ChatPorts.inMemory(store: store, cache: cache, fanout: fanout, label: "node-b", logLevel: .warning)
        var quiet = Logger(label: "drain-test")
        quiet.logLevel = .critical
        let logger = quiet
        let drain = NodeDrain(nodeID: nodeID, logger: logger)
        let node = LocalNode(roles: ["chat"], servers: ["chat"], operatorAPI: true, version: "test")
        let tokens = await JWTOperatorTokens(secret: LiveChat.secret)
        try await LiveChat.run(ports: portsA, gentleDrain: drain) { a in
            try await LiveChat.run(ports: portsB) { b in
                let api = AdminApplication.build(
                    host: "127.0.0.1", port: 0, routes: [NodeAdminRoutes(node: node, checks: [], drain: drain), DrainAdminRoutes(drain: drain)],
                    tokens: tokens, logger: logger)
                try await api.test(.live) { admin in
                    try await body(DrainHarness(a: a, b: b, admin: admin, tokens: tokens, drain: drain))
                }
            }
        }
    }

    /// A request to node A's operator API with `token` (a fresh operator token unless
    /// given; `.some(nil)`: none at all).
    func request(_ method: HTTPRequest.Method, _ path: String, body: ByteBuffer? = nil, token: String?? = .none) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        let bearer: String?
        switch token {
        case .none: bearer = try await tokens.issue(subject: "tester@box")
        case .some(let given): bearer = given
        }
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await admin.execute(uri: path, method: method, headers: headers, body: body)
    }

    /// `GET /admin/drain`, decoded.
    func status() async throws -> DrainStatus {
        let response = try await request(.get, "/admin/drain")
        guard response.status == .ok else { throw ChatError(.internalError, message: "GET /admin/drain: \(response.status)") }
        return try JSONDecoder().decode(DrainStatus.self, from: Data(buffer: response.body))
    }
}

/// One reader's view of its room: the `seq` of every message it got, on node A and then
/// on node B, and the id of the last one.
struct ReaderLog {
    var seqs: [Int] = []
    var lastID: String?

    mutating func record(_ frame: [String: Any]) {
        guard frame["type"] as? String == "message", let seq = frame["seq"] as? Int else { return }
        seqs.append(seq)
        lastID = frame["id"] as? String
    }
}

@Suite("gentle drain: sockets move to another node and resume")
struct GentleDrainSocketTests {
    @Test("POST /admin/drain (batch 2): /readyz 503 draining, upgrades refused, every socket gets reconnect with the since of its last message then 1012, in batches; resuming on another node with that since loses and repeats nothing; operator token required")
    func drainInBatches() async throws {
        try await DrainHarness.run { harness in
            let a = harness.a, b = harness.b
            let ann = try await a.user("ann")
            let names = ["bea", "cal", "dan", "eve", "fay"]
            var tokens: [String] = []
            for name in names { tokens.append(try await a.user(name)) }
            _ = try await a.createRoom("hall", token: ann)
            _ = try await a.createRoom("yard", token: ann)
            // Ann posts from node B; the readers are on node A, three in the hall, two in the yard.
            let annHall = b.socket(room: "hall", token: ann), annYard = b.socket(room: "yard", token: ann)
            let rooms = ["hall", "hall", "hall", "yard", "yard"]
            let readers = zip(rooms, tokens).map { a.socket(room: $0, token: $1) }
            for socket in [annHall, annYard] + readers { #expect(try await socket.nextArray().isEmpty) }

            // Without an operator token nothing starts.
            let body = LiveChat.json(["batch": 2, "every_ms": 200, "deadline_ms": 60_000])
            for token in [nil, ann] as [String?] {
                #expect(try await harness.request(.post, "/admin/drain", body: body, token: .some(token)).status == .unauthorized)
                #expect(try await harness.request(.get, "/admin/drain", token: .some(token)).status == .unauthorized)
            }
            let idle = try await harness.status()
            #expect(idle.state == "idle" && idle.node == DrainHarness.nodeID && idle.open == 5 && idle.startedAt == nil, "\(idle)")
            #expect(try await a.get("/readyz").status == .ok)
            // Malformed plans are refused naming the field, and start nothing.
            for (bad, field) in [(#"{"batch":0}"#, "batch"), (#"{"every_ms":1}"#, "every_ms"), (#"{"deadline_ms":"soon"}"#, "deadline_ms")] {
                let refused = try await harness.request(.post, "/admin/drain", body: ByteBuffer(string: bad))
                #expect(refused.status == .badRequest && LiveChat.decode(refused)["field"] as? String == field, "\(bad): \(LiveChat.decode(refused))")
            }
            #expect(try await harness.status().state == "idle")

            // Messages flow: three in each room, which every reader gets.
            var logs = Array(repeating: ReaderLog(), count: readers.count)
            for index in 0..<3 {
                annHall.send(TestSocket.message("hall-\(index)"))
                annYard.send(TestSocket.message("yard-\(index)"))
            }
            for (index, reader) in readers.enumerated() {
                for _ in 0..<3 { logs[index].record(try await reader.nextObject()) }
            }
            // Ann goes on posting in both rooms while node A drains (bounded).
            let posting = Task {
                var index = 3
                while !Task.isCancelled, index < 4000 {
                    annHall.send(TestSocket.message("hall-\(index)"))
                    annYard.send(TestSocket.message("yard-\(index)"))
                    index += 1
                    try? await Task.sleep(for: .milliseconds(30))
                }
            }

            let started = try await harness.request(.post, "/admin/drain", body: body)
            #expect(started.status == .ok, "\(LiveChat.decode(started))")
            let first = try JSONDecoder().decode(DrainStatus.self, from: Data(buffer: started.body))
            #expect(first.state == "draining" && first.batch == 2 && first.everyMilliseconds == 200 && first.deadlineMilliseconds == 60_000)
            // Unready at once, on the public port and the operator API; B is not.
            let readiness = try await a.get("/readyz")
            #expect(readiness.status == .serviceUnavailable && LiveChat.decode(readiness)["status"] as? String == "draining")
            #expect(try await b.get("/readyz").status == .ok)
            let node = LiveChat.decode(try await harness.request(.get, "/admin/node"))
            #expect((node["health"] as? [String: Any])?["status"] as? String == "draining", "\(node)")
            // New sockets are refused before the upgrade, so the client tries another node.
            let upgrade = try await RawUpgrade.attempt(port: a.port, path: "/ws/join/?name=hall", token: tokens[0])
            #expect(upgrade.status == 503, "\(upgrade.head)\(upgrade.body)")
            // A node drains once.
            let again = try await harness.request(.post, "/admin/drain", body: body)
            #expect(again.status == .conflict && LiveChat.decode(again)["field"] as? String == "state", "\(LiveChat.decode(again))")

            // Progress, read while the readers read: `closed` only ever grows, by batches of 2.
            let progress = Task { () async throws -> (closed: [Int], last: DrainStatus) in
                var seen: [Int] = [first.closed]
                var status = first
                let deadline = ContinuousClock.now + .seconds(Patience.seconds)
                while status.isRunning, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                    status = try await harness.status()
                    seen.append(status.closed)
                }
                return (seen, status)
            }

            // Every reader: messages, then the reconnect frame naming the last one it got, then 1012.
            var sinces: [String] = []
            for (index, reader) in readers.enumerated() {
                while true {
                    let frame = try await reader.nextObject("a message or the reconnect frame")
                    if frame["type"] as? String == "reconnect" {
                        #expect(frame["since"] as? String == logs[index].lastID, "reader \(index): \(frame)")
                        #expect(frame["reason"] as? String == "node draining" && frame["content"] == nil)
                        sinces.append(try #require(frame["since"] as? String))
                        break
                    }
                    #expect(frame["type"] as? String == "message", "\(frame)")
                    logs[index].record(frame)
                }
                let close = try await reader.closeFrame()
                #expect(close?.closeCode == .unknown(1012) && close?.reason == "node draining", "\(String(describing: close))")
            }

            let (closedSeen, ended) = try await progress.value
            #expect(closedSeen == closedSeen.sorted(), "closed never shrinks: \(closedSeen)")
            #expect(closedSeen.allSatisfy { [0, 2, 4, 5].contains($0) }, "asked in batches of 2: \(closedSeen)")
            #expect(ended.state == "drained" && ended.closed == 5 && ended.forced == 0 && !ended.deadlineReached && ended.open == 0, "\(ended)")
            #expect(ended.finishedAt != nil)
            // Drained, the node stays unready and still refuses sockets.
            #expect(try await a.get("/readyz").status == .serviceUnavailable)
            #expect(try await RawUpgrade.attempt(port: a.port, path: "/ws/join/?name=hall", token: tokens[0]).status == 503)

            // Each reader comes back on node B with its since: what it missed, then live.
            let resumed = rooms.indices.map { index in
                TestSocket(
                    url: "ws://127.0.0.1:\(b.port)/ws/join/?name=\(rooms[index])&since=\(sinces[index])",
                    headers: [.authorization: "Bearer \(tokens[index])"])
            }
            posting.cancel()
            _ = await posting.value
            annHall.send(TestSocket.message("hall-end"))
            annYard.send(TestSocket.message("yard-end"))
            for (index, socket) in resumed.enumerated() {
                while true {
                    let frame = try await socket.nextObject("a missed or live message")
                    #expect(frame["type"] as? String == "message", "\(frame)")
                    logs[index].record(frame)
                    if frame["content"] as? String == "\(rooms[index])-end" { break }
                }
                // Nothing lost, nothing twice: every number of the room from the first to the end, once.
                let seqs = logs[index].seqs
                #expect(seqs.first == 1 && seqs == Array(1...(seqs.last ?? 1)), "reader \(index) (\(rooms[index])): \(seqs)")
            }
            for socket in [annHall, annYard] + resumed { await socket.close() }
        }
    }
}
