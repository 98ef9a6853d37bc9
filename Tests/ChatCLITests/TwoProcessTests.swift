import ChatTestSupport
import Foundation
import NIOWebSocket
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two `chatctl serve chat` processes on different ports, one SQLite store, one Redis:
/// what an operator runs behind a load balancer.
@Suite("two chatctl processes sharing Redis", .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
struct TwoProcessTests {
    static func request(_ method: String, _ url: String, _ body: [String: Any]? = nil, token: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 10
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body { request.httpBody = try JSONSerialization.data(withJSONObject: body) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

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

        let (signup, _) = try await Self.request("POST", "\(a)/api/user/signup/", ["username": "dora", "email": "d@example.com", "password": "correct horse"])
        #expect(signup == 201)
        let (_, login) = try await Self.request("POST", "\(b)/api/user/login/", ["username": "dora", "password": "correct horse"])
        let token = try #require(login["token"] as? String)
        let (created, _) = try await Self.request("POST", "\(b)/api/room/create/", ["name": "lobby"], token: token)
        #expect(created == 200)
        _ = try await Self.request("POST", "\(a)/api/room/create/", ["name": "quiet"], token: token)

        let onA = TestSocket(url: "ws://127.0.0.1:\(portA)/ws/join/?name=lobby&token=\(token)")
        let onB = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=lobby&token=\(token)")
        let elsewhere = TestSocket(url: "ws://127.0.0.1:\(portB)/ws/join/?name=quiet&token=\(token)")
        for socket in [onA, onB, elsewhere] { _ = try await socket.nextArray() }
        // Both subscriptions in place: a probe from A reaches both.
        var ready = false
        for attempt in 0..<50 where !ready {
            onA.send(#"{"type":"message","content":"probe-\#(attempt)"}"#)
            let gotA = (try? await onA.next("probe", seconds: 0.3)) != nil
            let gotB = (try? await onB.next("probe", seconds: 0.3)) != nil
            ready = gotA && gotB
        }
        #expect(ready)
        while (try? await onA.next("drain", seconds: 0.3)) != nil {}
        while (try? await onB.next("drain", seconds: 0.3)) != nil {}

        for index in 0..<6 {
            (index.isMultiple(of: 2) ? onA : onB).send(#"{"type":"message","content":"x\#(index)"}"#)
        }
        var seenA: [String] = [], seenB: [String] = []
        for _ in 0..<6 {
            seenA.append(try await onA.nextObject()["content"] as? String ?? "")
            seenB.append(try await onB.nextObject()["content"] as? String ?? "")
        }
        let expected = Set((0..<6).map { "x\($0)" })
        #expect(Set(seenA) == expected && seenA.count == 6)
        #expect(Set(seenB) == expected && seenB.count == 6)
        #expect(seenA == seenB, "both nodes deliver in the same (sequence) order")
        #expect(try await onA.expectSilence(seconds: 0.3) == nil)
        #expect(try await onB.expectSilence(seconds: 0.3) == nil)
        #expect(try await elsewhere.expectSilence(seconds: 0.3) == nil)

        let (loggedOut, _) = try await Self.request("POST", "\(a)/api/user/logout/", [:], token: token)
        #expect(loggedOut == 200)
        let (refused, _) = try await Self.request("GET", "\(b)/api/room/list/", token: token)
        #expect(refused == 401)
        // The user's live sockets close with 1008 on both nodes (through the store's session-end log).
        for socket in [onA, onB, elsewhere] {
            let close = try await socket.closeFrame()
            #expect(close?.closeCode == .policyViolation && close?.reason == "logged out", "close: \(String(describing: close))")
        }
        nodeA.stop()
        nodeB.stop()
        #expect(try await nodeA.waitForExit(seconds: 20) == 0)
        #expect(try await nodeB.waitForExit(seconds: 20) == 0)
    }
}
