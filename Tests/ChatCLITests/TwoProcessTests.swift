import ChatTestSupport
import Foundation
import NIOWebSocket
import Testing

/// Two `chatctl serve chat` processes on different ports, one SQLite store, one Redis:
/// what an operator runs behind a load balancer.
@Suite("two chatctl processes sharing Redis", .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
struct TwoProcessTests {
    @Test("clients on either process receive every message from both, exactly once; logout holds on both and closes the user's sockets on both")
    func twoProcesses() async throws {
        let redis = try await RedisTestServer()
        defer { redis.stop() }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-2p-\(UUID().uuidString)").path
        let environment = ["SECRET_KEY": "two-process-secret-0123456789abcdef", "REDIS_URI": "127.0.0.1:\(redis.port)"]
        let arguments = ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir]
        let nodeA = try ChatctlProcess(arguments, environment: environment)
        defer { nodeA.stop() }
        let nodeB = try ChatctlProcess(arguments, environment: environment)
        defer { nodeB.stop() }
        let portA = try await nodeA.waitForListeningPort()
        let portB = try await nodeB.waitForListeningPort()
        let a = "http://127.0.0.1:\(portA)", b = "http://127.0.0.1:\(portB)"

        let (signup, _) = try await TestHTTP.request("POST", "\(a)/api/user/signup/", ["username": "dora", "email": "d@example.com", "password": "correct horse"])
        #expect(signup == 201)
        let (_, login) = try await TestHTTP.request("POST", "\(b)/api/user/login/", ["username": "dora", "password": "correct horse"])
        let token = try #require(login["token"] as? String)
        let (created, _) = try await TestHTTP.request("POST", "\(b)/api/room/create/", ["name": "lobby"], token: token)
        #expect(created == 200)
        _ = try await TestHTTP.request("POST", "\(a)/api/room/create/", ["name": "quiet"], token: token)

        let onA = TestSocket(url: "ws://127.0.0.1:\(portA)/ws/join/?name=lobby&token=\(token)")
        let onB = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=lobby&token=\(token)")
        let elsewhere = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=quiet&token=\(token)")
        for socket in [onA, onB, elsewhere] { _ = try await socket.nextArray() }
        // Both subscriptions in place: probes from A until both have one, then a barrier
        // that both read up to, so no probe (however late) is left to be counted below.
        try await TestSocket.awaitDelivery(from: onA, to: [onA, onB])

        for index in 0..<6 {
            (index.isMultiple(of: 2) ? onA : onB).send(#"{"type":"message","content":"x\#(index)"}"#)
        }
        var seenA: [String] = [], seenB: [String] = []
        for _ in 0..<6 {
            seenA.append(try await onA.nextMessageContent())
            seenB.append(try await onB.nextMessageContent())
        }
        let expected = Set((0..<6).map { "x\($0)" })
        #expect(Set(seenA) == expected && seenA.count == 6)
        #expect(Set(seenB) == expected && seenB.count == 6)
        #expect(seenA == seenB, "both nodes deliver in the same (sequence) order")
        // Nothing twice, and nothing in the other room: a barrier posted after the messages
        // comes with nothing before it (and nothing legitimate can follow it).
        let extras = try await TestSocket.barrier(from: onA, to: [onA, onB])
        #expect(extras == [[], []], "duplicates: \(extras)")
        let elsewhereExtras = try await TestSocket.barrier(from: elsewhere, to: [elsewhere])
        #expect(elsewhereExtras == [[]], "the other room received: \(elsewhereExtras)")
        #expect(try await onA.expectSilence(seconds: 0.3) == nil)
        #expect(try await onB.expectSilence(seconds: 0.3) == nil)
        #expect(try await elsewhere.expectSilence(seconds: 0.3) == nil)

        let (loggedOut, _) = try await TestHTTP.request("POST", "\(a)/api/user/logout/", [:], token: token)
        #expect(loggedOut == 200)
        let (refused, _) = try await TestHTTP.request("GET", "\(b)/api/room/list/", token: token)
        #expect(refused == 401)
        // The user's live sockets close with 1008 on both nodes (through the store's session-end log).
        for socket in [onA, onB, elsewhere] {
            let close = try await socket.closeFrame()
            #expect(close?.closeCode == .policyViolation && close?.reason == "logged out", "close: \(String(describing: close))")
        }
        nodeA.stop()
        nodeB.stop()
        #expect(try await nodeA.waitForExit() == 0)
        #expect(try await nodeB.waitForExit() == 0)
    }

    @Test("chatctl messages delete and redact reach the room's sockets on both processes; the shared cache and both nodes' next history no longer show them")
    func moderationReachesBoth() async throws {
        let redis = try await RedisTestServer()
        defer { redis.stop() }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-2p-\(UUID().uuidString)").path
        let environment = ["SECRET_KEY": "two-process-secret-0123456789abcdef", "REDIS_URI": "127.0.0.1:\(redis.port)"]
        let arguments = ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir]
        let nodeA = try ChatctlProcess(arguments, environment: environment)
        defer { nodeA.stop() }
        let nodeB = try ChatctlProcess(arguments, environment: environment)
        defer { nodeB.stop() }
        let portA = try await nodeA.waitForListeningPort()
        let portB = try await nodeB.waitForListeningPort()
        let people = try await NotificationServiceTests.members(["eve"], room: "lobby", chat: "http://127.0.0.1:\(portA)")
        let token = people[0].token
        let onA = TestSocket(url: "ws://127.0.0.1:\(portA)/ws/join/?name=lobby&token=\(token)")
        let onB = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=lobby&token=\(token)")
        for socket in [onA, onB] { _ = try await socket.nextArray() }
        try await TestSocket.awaitDelivery(from: onA, to: [onA, onB])
        var ids: [String] = []
        for content in ["spam", "rude", "fine"] {
            onA.send(TestSocket.message(content))
            ids.append(try #require(try await onA.nextObjectSkippingProbes()["id"] as? String))
            #expect(try await onB.nextObjectSkippingProbes()["id"] as? String == ids.last)
        }
        let store = ["--data-dir", dataDir]
        let deleted = try await ChatctlProcess.run(["messages", "delete", ids[0], "--yes"] + store, environment: environment)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let redacted = try await ChatctlProcess.run(["messages", "redact", ids[1], "--reason", "rude", "--yes"] + store, environment: environment)
        #expect(redacted.status == 0, "\(redacted.stderr)")
        for socket in [onA, onB] {
            let first = try await socket.nextObjectSkippingProbes("the deleted frame")
            #expect(first["type"] as? String == "deleted" && first["id"] as? String == ids[0], "\(first)")
            let second = try await socket.nextObjectSkippingProbes("the redacted frame")
            #expect(second["type"] as? String == "redacted" && second["id"] as? String == ids[1], "\(second)")
        }
        for port in [portA, portB] {
            let joiner = TestSocket(url: "ws://127.0.0.1:\(port)/ws/join/?name=lobby&token=\(token)")
            let history = try await joiner.nextArray()
            #expect(!history.contains { $0["id"] as? String == ids[0] }, "deleted")
            let rude = history.first { $0["id"] as? String == ids[1] }
            #expect(rude?["content"] as? String == "" && rude?["redacted"] as? Bool == true, "\(String(describing: rude))")
            await joiner.close()
        }
        // The joins refilled the shared cache from the store.
        let cached = try await ChatctlProcess.run(["cache", "show", "lobby", "--json"] + store, environment: environment)
        #expect(cached.status == 0, "\(cached.stderr)")
        #expect(!cached.stdout.contains(ids[0]) && !cached.stdout.contains(#""content" : "rude""#))
        for socket in [onA, onB] { await socket.close() }
        nodeA.stop()
        nodeB.stop()
        #expect(try await nodeA.waitForExit() == 0)
        #expect(try await nodeB.waitForExit() == 0)
    }
}
