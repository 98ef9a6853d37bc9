import AMQPKit
import ChatTestSupport
import Foundation
import Testing

/// `chatctl serve chat` publishing message events to a real RabbitMQ.
@Suite("message events on RabbitMQ", .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
struct RabbitMQEventTests {
    /// A chat node on a fresh SQLite store, publishing to `queue` on `broker`.
    static func startChat(broker: RabbitMQTestServer, queue: String) async throws -> (ChatctlProcess, String) {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-events-\(UUID().uuidString)").path
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: ["SECRET_KEY": "events-test-secret-0123456789abcdef", "RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": queue])
        return (server, "http://127.0.0.1:\(try await server.waitForListeningPort())")
    }

    /// A user, a room "events" and a joined socket.
    static func joinedSocket(_ base: String) async throws -> TestSocket {
        _ = try await TestHTTP.request("POST", "\(base)/api/user/signup/", ["username": "hal", "email": "h@example.com", "password": "correct horse"])
        let (_, login) = try await TestHTTP.request("POST", "\(base)/api/user/login/", ["username": "hal", "password": "correct horse"])
        let token = try #require(login["token"] as? String)
        _ = try await TestHTTP.request("POST", "\(base)/api/room/create/", ["name": "events"], token: token)
        let socket = TestSocket(url: "\(base.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=events&token=\(token)")
        _ = try await socket.nextArray()
        return socket
    }

    /// The queue's messages once it holds at least `count` (waiting, bounded, for them).
    static func waitForMessages(_ client: AMQPClient, queue: String, count: Int) async throws -> [AMQPDelivery] {
        _ = try await waitUntil {
            if let status = try? await client.status(of: queue), status.messages >= count { return true }
            return false
        }
        return try await client.peek(queue, limit: count + 10)
    }

    @Test("every stored message becomes a persistent event with the Go keys, in order, with the message id")
    func eventsPublished() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let queue = "events-\(UUID().uuidString.prefix(8))"
        let (server, base) = try await Self.startChat(broker: broker, queue: queue)
        defer { server.stop() }
        let socket = try await Self.joinedSocket(base)
        var ids: [String] = []
        for index in 0..<3 {
            socket.send(#"{"type":"message","content":"event \#(index)"}"#)
            ids.append(try await socket.nextObject()["id"] as? String ?? "")
        }
        let client = AMQPClient(endpoint: try AMQPEndpoint(parsing: broker.url))
        defer { client.close() }
        let events = try await Self.waitForMessages(client, queue: queue, count: 3)
        #expect(events.count == 3)
        for (index, event) in events.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(event.body)) as? [String: Any])
            #expect(object["ID"] as? String == ids[index])
            #expect(object["Content"] as? String == "event \(index)")
            #expect((object["SenderID"] as? String)?.count == 24)
            #expect((object["RoomID"] as? String)?.count == 24)
            #expect((object["Timestamp"] as? String)?.hasSuffix("Z") == true)
            #expect(event.messageID == ids[index])
        }
        let (ready, body) = try await TestHTTP.request("GET", "\(base)/readyz")
        #expect(ready == 200)
        #expect((body["checks"] as? [String: String])?["rabbitmq"] == "ok")
    }

    @Test("RabbitMQ away mid-stream: posts still succeed, /readyz names rabbitmq, every event arrives in order after it returns")
    func outage() async throws {
        let broker = try await RabbitMQTestServer()
        defer { broker.stop() }
        let queue = "outage-\(UUID().uuidString.prefix(8))"
        let (server, base) = try await Self.startChat(broker: broker, queue: queue)
        defer { server.stop() }
        let socket = try await Self.joinedSocket(base)
        socket.send(#"{"type":"message","content":"before"}"#)
        _ = try await socket.nextObject()

        try await broker.stopApp()
        for index in 0..<5 {
            socket.send(#"{"type":"message","content":"during \#(index)"}"#)
            #expect(try await socket.nextObject()["content"] as? String == "during \(index)", "posts go on without RabbitMQ")
        }
        let notReady = try await waitUntil(every: .milliseconds(100)) {
            let (status, body) = try await TestHTTP.request("GET", "\(base)/readyz")
            return status == 503 && (body["failing"] as? [String]) == ["rabbitmq"]
        }
        #expect(notReady, "/readyz answers 503 naming rabbitmq")

        try await broker.startApp()
        let client = AMQPClient(endpoint: try AMQPEndpoint(parsing: broker.url))
        defer { client.close() }
        let events = try await Self.waitForMessages(client, queue: queue, count: 6)
        let contents = try events.map { try #require(try JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any])["Content"] as? String }
        #expect(contents == ["before"] + (0..<5).map { "during \($0)" })
        let ready = try await waitUntil(every: .milliseconds(100)) {
            try await TestHTTP.request("GET", "\(base)/readyz").0 == 200
        }
        #expect(ready, "/readyz back to 200 by itself")
        #expect(server.stderr.components(separatedBy: "unavailable; carrying on").count == 2, "the outage is logged once:\n\(server.stderr)")
    }
}
