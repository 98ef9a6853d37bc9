import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import GRDB
import NIOWebSocket
import Testing

/// SIGTERM while clients post: what the operator and the clients see.
@Suite("graceful shutdown")
struct GracefulShutdownTests {
    @Test("SIGTERM during a stream of posts: every message a client saw is stored, sockets close with 1001, exit 0")
    func sigtermDuringPosts() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-drain-\(UUID().uuidString)").path
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: ["SECRET_KEY": "drain-test-secret-0123456789abcdef", "CHATCTL_MESSAGE_RATE_LIMIT": "0"])
        defer { server.stop() }
        let base = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let ws = base.replacingOccurrences(of: "http://", with: "ws://")

        let (signup, _) = try await TestHTTP.request("POST", "\(base)/api/user/signup/", ["username": "erin", "email": "e@example.com", "password": "correct horse"])
        #expect(signup == 201)
        let (_, login) = try await TestHTTP.request("POST", "\(base)/api/user/login/", ["username": "erin", "password": "correct horse"])
        let token = try #require(login["token"] as? String)
        _ = try await TestHTTP.request("POST", "\(base)/api/room/create/", ["name": "busy"], token: token)

        let sockets = (0..<3).map { _ in TestSocket(url: "\(ws)/ws/join/?name=busy&token=\(token)") }
        for socket in sockets { _ = try await socket.nextArray() }

        // Two senders post without pause; the first 20 echoes prove the stream flows.
        let senders = Array(sockets.prefix(2))
        let posting = Task {
            var index = 0
            while !Task.isCancelled, index < 100_000 {
                for (number, socket) in senders.enumerated() { socket.send(#"{"type":"message","content":"s\#(number)-\#(index)"}"#) }
                index += 1
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        var seen: [[String]] = [[], [], []]
        for _ in 0..<20 { seen[2].append(try await sockets[2].nextObject()["content"] as? String ?? "") }

        kill(server.process.processIdentifier, SIGTERM)

        // Every socket reads until the server closes it.
        for (index, socket) in sockets.enumerated() {
            while let object = try? await socket.nextObject("a message or the close") {
                if let content = object["content"] as? String { seen[index].append(content) }
            }
        }
        posting.cancel()
        for socket in sockets {
            let close = try await socket.closed.value
            #expect(close?.closeCode == .goingAway, "close frame: \(String(describing: close)); stderr:\n\(server.stderr.suffix(1500))")
        }
        #expect(try await server.waitForExit() == 0, "stderr:\n\(server.stderr)")
        #expect(server.stderr.contains("websockets drained"), "stderr:\n\(server.stderr.suffix(2000))")

        let store = try await SQLiteChatStore.open(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"))
        let room = try #require(try await store.room(named: "busy"))
        let stored = try await store.messages(inRoom: room.id, afterSequence: 0, limit: 1_000_000)
        let storedContents = Set(stored.map(\.content))
        for (index, contents) in seen.enumerated() {
            #expect(contents.count == Set(contents).count, "socket \(index) saw a message twice")
            let missing = contents.filter { !storedContents.contains($0) }
            #expect(missing.isEmpty, "socket \(index) saw \(missing.count) messages that are not stored: \(missing.prefix(5))")
        }
        #expect(seen[2].count >= 20)
        await store.close()
    }

    /// A served chat with one user and room "held"; the store's file is `dataDir/chatctl.sqlite`.
    static func startWithRoom() async throws -> (ChatctlProcess, String, String, String) {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-held-\(UUID().uuidString)").path
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: ["SECRET_KEY": "drain-test-secret-0123456789abcdef"])
        let base = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        _ = try await TestHTTP.request("POST", "\(base)/api/user/signup/", ["username": "gil", "email": "g@example.com", "password": "correct horse"])
        let (_, login) = try await TestHTTP.request("POST", "\(base)/api/user/login/", ["username": "gil", "password": "correct horse"])
        let token = try #require(login["token"] as? String)
        _ = try await TestHTTP.request("POST", "\(base)/api/room/create/", ["name": "held"], token: token)
        let url = "\(base.replacingOccurrences(of: "http://", with: "ws://"))/ws/join/?name=held&token=\(token)"
        return (server, dataDir, url, token)
    }

    /// Holds SQLite's write lock from another connection, as a slow disk or a long
    /// transaction would, so a post stays in flight.
    static func lockStore(_ dataDir: String) async throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true  // the transaction outlives one access on purpose
        let queue = try DatabaseQueue(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"), configuration: configuration)
        try await queue.writeWithoutTransaction { try $0.execute(sql: "BEGIN EXCLUSIVE") }
        return queue
    }

    /// Posts `content` from `socket` while the store is locked and returns once the post
    /// is in flight. The server reads a socket's frames in order and starts a text frame's
    /// post as it reads it (before the next frame); a binary frame after it is answered at
    /// once with an error frame, so that answer means the post has started (and waits for
    /// the lock). No "sleep and hope it got there".
    static func startPost(_ content: String, on socket: TestSocket) async throws {
        socket.send(#"{"type":"message","content":"\#(content)"}"#)
        socket.sendBinary([0])
        let answer = try await socket.nextObject("the answer to the binary frame")
        try #require((answer["error"] as? String)?.contains("binary") == true, "expected the binary frame's error first, got \(answer)")
    }

    /// Waits for the server's 1001 close of `idle`, a socket with no post in flight: the
    /// drain has started (the first SIGTERM was handled) and closes such sockets at once.
    static func expectDrainStarted(_ idle: TestSocket, _ server: ChatctlProcess) async throws {
        let close = try await idle.closeFrame()
        #expect(close?.closeCode == .goingAway, "idle socket's close: \(String(describing: close)); stderr:\n\(server.stderr.suffix(1500))")
    }

    @Test("the post in flight when SIGTERM arrives is stored and delivered before the 1001 close")
    func inFlightPostFinishes() async throws {
        let (server, dataDir, url, _) = try await Self.startWithRoom()
        defer { server.stop() }
        let socket = TestSocket(url: url)
        let idle = TestSocket(url: url)
        _ = try await socket.nextArray()
        _ = try await idle.nextArray()
        let lock = try await Self.lockStore(dataDir)
        try await Self.startPost("in flight", on: socket)
        kill(server.process.processIdentifier, SIGTERM)
        // The drain has closed the idle socket, and still the process waits for the post.
        try await Self.expectDrainStarted(idle, server)
        #expect(server.process.isRunning, "the drain waits for the post in flight")
        try await lock.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }

        let echo = try await socket.nextObject("the in-flight message")
        #expect(echo["content"] as? String == "in flight")
        #expect(try await socket.closed.value?.closeCode == .goingAway)
        #expect(try await server.waitForExit() == 0, "stderr:\n\(server.stderr)")
        let store = try await SQLiteChatStore.open(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"))
        let room = try #require(try await store.room(named: "held"))
        #expect(try await store.messages(inRoom: room.id, afterSequence: 0, limit: 10).map(\.content) == ["in flight"])
        await store.close()
    }

    @Test("a second SIGTERM during the drain exits at once with 143")
    func secondSignalExits() async throws {
        let (server, dataDir, url, _) = try await Self.startWithRoom()
        defer { server.stop() }
        let socket = TestSocket(url: url)
        let idle = TestSocket(url: url)
        _ = try await socket.nextArray()
        _ = try await idle.nextArray()
        let lock = try await Self.lockStore(dataDir)
        try await Self.startPost("stuck", on: socket)
        kill(server.process.processIdentifier, SIGTERM)
        // Only once the first signal has been handled does a second one count as second
        // (two signals close together can reach the process as one).
        try await Self.expectDrainStarted(idle, server)
        #expect(server.process.isRunning, "the first signal waits for the post in flight")
        kill(server.process.processIdentifier, SIGTERM)
        // 143 (128 + SIGTERM) is the second signal's exit; the drain, had it ended instead,
        // exits 0. The bound only ends a hang.
        #expect(try await server.waitForExit(seconds: Patience.seconds) == 143)
        #expect(server.stderr.contains("second signal during shutdown"))
        try await lock.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
    }
}
