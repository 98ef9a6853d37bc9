import AMQPKit
import ChatTestSupport
import Foundation
import Testing

/// The notification service as operators run it: inside `serve all`, and as
/// `serve notify` beside `serve chat` over a real RabbitMQ.
@Suite("notification service")
struct NotificationServiceTests {
    struct Member {
        let token: String
        let id: String
    }

    /// Signs up and logs in `names` on a chat service; the first creates room `room`; all join it.
    static func members(_ names: [String], room: String, chat: String) async throws -> [Member] {
        var members: [Member] = []
        for name in names {
            _ = try await TestHTTP.request("POST", "\(chat)/api/user/signup/", ["username": name, "email": "\(name)@example.com", "password": "correct horse"])
            let (_, login) = try await TestHTTP.request("POST", "\(chat)/api/user/login/", ["username": name, "password": "correct horse"])
            let token = try #require(login["token"] as? String)
            if members.isEmpty { _ = try await TestHTTP.request("POST", "\(chat)/api/room/create/", ["name": room], token: token) }
            let socket = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=\(room)&token=\(token)")
            _ = try await socket.nextArray()
            await socket.close()
            let payload = token.split(separator: ".")[1]
            var base64 = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            let claims = try #require(try JSONSerialization.jsonObject(with: Data(base64Encoded: base64)!) as? [String: Any])
            members.append(Member(token: token, id: try #require((claims["user_id"] ?? claims["id"] ?? claims["sub"]) as? String)))
        }
        return members
    }

    static func list(_ notify: String, token: String, query: String = "") async throws -> (Int, [[String: Any]]) {
        let response = try await TestHTTP.get("\(notify)/api/notifications/\(query)", token: token)
        return (response.status, response.array)
    }

    /// Polls (bounded) until `token`'s list has `count` notifications.
    static func waitForList(_ notify: String, token: String, count: Int, seconds: Double = Patience.seconds) async throws -> [[String: Any]] {
        var list: [[String: Any]] = []
        _ = try await waitUntil(seconds: seconds) {
            list = try await Self.list(notify, token: token, query: "?limit=500").1
            return list.count >= count
        }
        return list
    }

    @Test("serve all: a post notifies every other member — pushed to a connected socket, stored for an offline one; list and mark seen")
    func serveAllEndToEnd() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-notify-\(UUID().uuidString)").path
        let server = try ChatctlProcess(
            ["serve", "all", "--host", "127.0.0.1", "--port", "0", "--notify-port", "0", "--data-dir", dataDir],
            environment: ["SECRET_KEY": "notify-test-secret-0123456789abcdef"])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let notify = "http://127.0.0.1:\(try await server.waitForNotifyPort())"
        let people = try await Self.members(["ann", "bob", "cat"], room: "lobby", chat: chat)
        let (ann, bob, cat) = (people[0], people[1], people[2])

        // Bob's notification socket must be in the hub before Ann posts, or the
        // notification is only stored, not pushed. It gets no frame on joining: wait for
        // the process to count it (after letting go of the members' room sockets).
        let idle = try await PrometheusText.waitForOpenConnections(0, at: notify)
        try #require(idle, "the members' room sockets are still open")
        let bobSocket = TestSocket(url: "\(notify.replacingOccurrences(of: "http", with: "ws"))/ws/join-notification/?token=\(bob.token)")
        let registered = try await PrometheusText.waitForOpenConnections(1, at: notify)
        try #require(registered, "bob's notification socket was never registered")
        #expect(try await bobSocket.expectSilence(seconds: 0.3) == nil)
        let annChat = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=lobby&token=\(ann.token)")
        _ = try await annChat.nextArray()
        annChat.send(#"{"type":"message","content":"hello team"}"#)

        let pushed = try await bobSocket.nextObject("a pushed notification")
        #expect(pushed["Content"] as? String == "hello team")
        #expect(pushed["SenderID"] as? String == ann.id)
        #expect(pushed["ReceiverID"] as? String == bob.id)
        #expect(pushed["Seen"] as? Bool == false)
        #expect((pushed["ID"] as? String)?.count == 24)
        #expect((pushed["RoomID"] as? String)?.count == 24)
        #expect((pushed["Timestamp"] as? String)?.hasSuffix("Z") == true)

        let catList = try await Self.waitForList(notify, token: cat.token, count: 1)
        #expect(catList.map { $0["Content"] as? String } == ["hello team"], "an offline member finds it in the list")
        #expect(try await Self.list(notify, token: ann.token).1.isEmpty, "the sender is not notified")

        let (seen, body) = try await TestHTTP.request("POST", "\(notify)/api/notifications/seen/", ["all": true], token: cat.token)
        #expect(seen == 200)
        #expect(body["updated"] as? Int == 1)
        #expect(try await Self.list(notify, token: cat.token, query: "?unseen=true").1.isEmpty)
        let bobID = try #require(pushed["ID"] as? String)
        let (_, byID) = try await TestHTTP.request("POST", "\(notify)/api/notifications/seen/", ["ids": [bobID]], token: bob.token)
        #expect(byID["updated"] as? Int == 1)

        let (badID, error) = try await TestHTTP.request("POST", "\(notify)/api/notifications/seen/", ["ids": ["nope"]], token: bob.token)
        #expect(badID == 400)
        #expect((error["error"] as? String)?.contains("nope") == true)
        #expect(try await Self.list(notify, token: bob.token, query: "?limit=0").0 == 400)
        #expect(try await Self.list(notify, token: "not-a-token").0 == 401)
        // Counted after the store and the push: wait (bounded) for the figures, then check them.
        var metrics = try await PrometheusText.fetch(notify)
        _ = try await waitUntil {
            metrics = try await PrometheusText.fetch(notify)
            return metrics.value("chatctl_notifications_stored_total") == 2 && metrics.value("chatctl_notifications_pushed_total") == 1
        }
        #expect(metrics.value("chatctl_notifications_stored_total") == 2)
        #expect(metrics.value("chatctl_notifications_pushed_total") == 1)
    }
}

@Suite("notification service over RabbitMQ", .enabled(if: RabbitMQTestServer.shouldRun, Comment(rawValue: RabbitMQTestServer.skipReason)))
struct NotificationRabbitMQTests {
    static let secret = "notify-rmq-secret-0123456789abcdef"

    static func serve(_ role: String, broker: RabbitMQTestServer, queue: String, dataDir: String) throws -> ChatctlProcess {
        try ChatctlProcess(
            ["serve", role, "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: ["SECRET_KEY": secret, "RABBITMQ_URL": broker.url, "CHATCTL_RABBITMQ_QUEUE": queue])
    }

    @Test("posts while the notify service is stopped are all notified once it starts; a poison event goes to the dead-letter queue; the Go service's events (zero ID) are stored once")
    func nothingLost() async throws {
        let broker = try await RabbitMQTestServer.shared()
        let queue = "notify-\(UUID().uuidString.prefix(8))"
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-nrmq-\(UUID().uuidString)").path
        let chatProcess = try Self.serve("chat", broker: broker, queue: queue, dataDir: dataDir)
        defer { chatProcess.stop() }
        let chat = "http://127.0.0.1:\(try await chatProcess.waitForListeningPort())"
        let people = try await NotificationServiceTests.members(["dan", "eve", "fox"], room: "ops", chat: chat)

        let poster = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=ops&token=\(people[0].token)")
        _ = try await poster.nextArray()
        for index in 0..<5 {
            poster.send(#"{"type":"message","content":"while away \#(index)"}"#)
            _ = try await poster.nextObject()
        }
        let client = AMQPClient(endpoint: try AMQPEndpoint(parsing: broker.url))
        defer { client.close() }
        _ = try await client.declare(AMQPQueue(name: queue))
        // A poison event, and the Go service's event for a real room (zero ID), twice.
        try await client.publish([AMQPMessage(body: Array("{not json".utf8))], to: queue)
        let roomID = try await Self.roomID(chat: chat, token: people[0].token)
        let goEvent = #"{"ID":"000000000000000000000000","Content":"from go","SenderID":"\#(people[0].id)","RoomID":"\#(roomID)","Timestamp":"2024-06-18T12:34:56.789012345Z"}"#
        try await client.publish([AMQPMessage(body: Array(goEvent.utf8)), AMQPMessage(body: Array(goEvent.utf8))], to: queue)

        let notifyProcess = try Self.serve("notify", broker: broker, queue: queue, dataDir: dataDir)
        defer { notifyProcess.stop() }
        let notify = "http://127.0.0.1:\(try await notifyProcess.waitForNotifyPort())"
        for member in people.dropFirst() {
            let list = try await NotificationServiceTests.waitForList(notify, token: member.token, count: 6)
            let contents = list.compactMap { $0["Content"] as? String }
            #expect(Set(contents) == Set((0..<5).map { "while away \($0)" } + ["from go"]), "\(contents)")
            #expect(contents.count == 6, "the Go event delivered twice is stored once")
        }
        #expect(try await NotificationServiceTests.list(notify, token: people[0].token).1.isEmpty)

        var dead: [AMQPDelivery] = []
        _ = try await waitUntil {
            dead = (try? await client.peek("\(queue).dead", limit: 10)) ?? []
            return !dead.isEmpty
        }
        #expect(dead.count == 1)
        #expect(dead.first?.body == Array("{not json".utf8))
        #expect(dead.first?.headers["x-chatctl-reason"] == "not JSON")
        let drained = try await waitUntil { (try? await client.status(of: queue).messages) == 0 }
        #expect(drained, "every event was acked")
    }

    @Test("RabbitMQ restarted in the middle of a stream of posts: every member gets every notification exactly once")
    func brokerRestartMidStream() async throws {
        let broker = try await RabbitMQTestServer()
        defer { broker.stop() }
        let queue = "restart-\(UUID().uuidString.prefix(8))"
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-nrst-\(UUID().uuidString)").path
        let chatProcess = try Self.serve("chat", broker: broker, queue: queue, dataDir: dataDir)
        defer { chatProcess.stop() }
        let notifyProcess = try Self.serve("notify", broker: broker, queue: queue, dataDir: dataDir)
        defer { notifyProcess.stop() }
        let chat = "http://127.0.0.1:\(try await chatProcess.waitForListeningPort())"
        let notify = "http://127.0.0.1:\(try await notifyProcess.waitForNotifyPort())"
        let people = try await NotificationServiceTests.members(["gus", "hil", "ivy"], room: "ops", chat: chat)
        let poster = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=ops&token=\(people[0].token)")
        _ = try await poster.nextArray()

        let total = 30
        for index in 0..<total {
            if index == 10 { try await broker.stopApp() }
            if index == 20 { try await broker.startApp() }
            poster.send(#"{"type":"message","content":"stream \#(index)"}"#)
            #expect(try await poster.nextObject()["content"] as? String == "stream \(index)")
        }
        for member in people.dropFirst() {
            let list = try await NotificationServiceTests.waitForList(notify, token: member.token, count: total, seconds: 2 * Patience.seconds)
            let contents = list.compactMap { $0["Content"] as? String }
            #expect(contents.count == total, "exactly once each: \(contents.count)")
            #expect(Set(contents) == Set((0..<total).map { "stream \($0)" }))
        }
    }

    /// The room id of "ops", read from a message the chat service sends back.
    static func roomID(chat: String, token: String) async throws -> String {
        let socket = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=ops&token=\(token)")
        let history = try await socket.nextArray()
        await socket.close()
        return try #require(history.first?["room_id"] as? String)
    }
}
