import ChatTestSupport
import Foundation
import MongoKit
import Testing

/// Faults in turn during a steady stream of posts: nothing acknowledged is lost or doubled,
/// and every member gets exactly one notification per message.
@Suite(
    "faults with nothing lost",
    .enabled(if: MongoStandinProcess.shouldRun && RedisTestServer.shouldRun && RabbitMQTestServer.shouldRun,
             Comment(rawValue: MongoStandinProcess.skipReason + "; " + RedisTestServer.skipReason + "; " + RabbitMQTestServer.skipReason)))
struct FaultSuiteTests {
    static let secret = "fault-suite-secret-0123456789abcdef"

    @Test("kill -9 notify, restart Redis, restart RabbitMQ, stop the store for 5 s, kill -9 a chat node: every acknowledged message stored once, one notification per member")
    func faultsInTurn() async throws {
        let standin = try await MongoStandinProcess()
        defer { standin.stop() }
        let redis = try await RedisTestServer()
        defer { redis.stop() }
        let broker = try await RabbitMQTestServer()
        defer { broker.stop() }
        let database = MongoTestServer.freshDatabase()
        let environment = [
            "SECRET_KEY": Self.secret, "MONGO_URI": standin.uri, "DATABASE_NAME": database, "REDIS_URI": "127.0.0.1:\(redis.port)",
            "RABBITMQ_URL": broker.url, "CHATCTL_MESSAGE_RATE_LIMIT": "0", "CHATCTL_LIMITS_CONNECTIONS_PER_USER": "0",
        ]
        func serve(_ role: String) throws -> ChatctlProcess {
            try ChatctlProcess(["serve", role, "--host", "127.0.0.1", "--port", "0"], environment: environment)
        }
        let nodeA = try serve("chat")
        defer { nodeA.kill9() }
        let nodeB = try serve("chat")
        defer { nodeB.stop() }
        var notify = try serve("notify")
        let portA = try await nodeA.waitForListeningPort(), portB = try await nodeB.waitForListeningPort()
        _ = try await notify.waitForNotifyPort()
        let httpA = "http://127.0.0.1:\(portA)"
        let wsA = "ws://127.0.0.1:\(portA)", wsB = "ws://127.0.0.1:\(portB)"

        let names = ["ana", "ben", "cai", "dee"]
        let people = try await NotificationServiceTests.members(names, room: "ops", chat: httpA)
        let senders = (0..<3).map { index in
            FaultSender(name: names[index], token: people[index].token, room: "ops", nodes: index.isMultiple(of: 2) ? [wsA, wsB] : [wsB, wsA])
        }

        var phases: [String] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in senders { group.addTask { await sender.run() } }
            /// A steady phase: 2 s of posting (pace), and until the stream has moved on by
            /// at least 10 acknowledged messages (bounded): on a loaded machine 2 s alone can
            /// see next to none, and every fault must meet, and be followed by, a flowing stream.
            func steady() async throws {
                let acknowledgedSoFar = { senders.map(\.acknowledgedCount).reduce(0, +) }
                let before = acknowledgedSoFar()
                try await Task.sleep(for: .seconds(2))
                _ = try await waitUntil(seconds: 2 * Patience.seconds, every: .milliseconds(100)) { acknowledgedSoFar() - before >= 10 }
            }

            try await steady()
            phases.append("kill -9 notify")
            notify.kill9()
            try await Task.sleep(for: .seconds(1))
            notify = try serve("notify")
            _ = try await notify.waitForNotifyPort()
            try await steady()

            phases.append("restart Redis")
            redis.stop()
            try await Task.sleep(for: .seconds(2))
            try await redis.start()
            try await steady()

            phases.append("restart RabbitMQ")
            try await broker.stopApp()
            try await Task.sleep(for: .seconds(2))
            try await broker.startApp()
            try await steady()

            phases.append("store unresponsive 5 s")
            standin.pause()
            try await Task.sleep(for: .seconds(5))
            standin.resume()
            try await steady()

            phases.append("kill -9 chat node A")
            nodeA.kill9()
            for sender in senders { sender.forget(node: wsA) }
            try await steady()
            try await steady()

            for sender in senders { sender.stop() }
            try await group.waitForAll()
        }
        defer { notify.stop() }

        // Count what the store holds, waiting (bounded) for the notifications to settle.
        let client = try MongoClient(uri: standin.uri)
        let roomDocument = try #require(try await client.collection("rooms", database: database).findOne(["name": "ops"]))
        let roomID = try #require(roomDocument["_id"])
        let stats = senders.map(\.snapshot)
        let acknowledged = stats.reduce(into: [String: String]()) { $0.merge($1.acknowledged) { first, _ in first } }
        let expectedNotifications = acknowledged.count * (names.count - 1)
        var messages: [BSONDocument] = []
        var notifications: [BSONDocument] = []
        _ = try await waitUntil(seconds: 3 * Patience.seconds, every: .milliseconds(100)) {
            messages = try await client.collection("messages", database: database).find(["room_id": roomID])
            notifications = try await client.collection("notifications", database: database).find(["room_id": roomID])
            return notifications.count >= expectedNotifications && messages.count >= acknowledged.count
        }
        // Let late duplicates (redeliveries) show up if there were any.
        try await Task.sleep(for: .seconds(1))
        notifications = try await client.collection("notifications", database: database).find(["room_id": roomID])
        await client.close()

        var storedByClientID: [String: Int] = [:]
        for message in messages { storedByClientID[message.string("client_id") ?? "(none)", default: 0] += 1 }
        let duplicatedMessages = storedByClientID.filter { $0.value > 1 }
        var notificationsPerPair: [String: Int] = [:]
        for notification in notifications {
            let key = "\(notification.objectID("receiver_id")?.description ?? "?")|\(notification.string("content") ?? "?")"
            notificationsPerPair[key, default: 0] += 1
        }
        let duplicatedNotifications = notificationsPerPair.filter { $0.value > 1 }
        let attempts = stats.map(\.attempts).reduce(0, +), resends = stats.map(\.resends).reduce(0, +)
        let reconnects = stats.map(\.reconnects).reduce(0, +)

        print("""
            fault suite: phases \(phases.joined(separator: " → "))
              posts sent \(attempts) (resends \(resends), reconnects \(reconnects)), acknowledged \(acknowledged.count), \
            stored \(messages.count), duplicate messages \(duplicatedMessages.count)
              notifications \(notifications.count) of \(expectedNotifications) expected, duplicate notifications \(duplicatedNotifications.count), \
            resends answered with the stored message (duplicates avoided) \(resends - max(0, messages.count - acknowledged.count))
            """)

        #expect(stats.allSatisfy { $0.gaveUp.isEmpty }, "\(stats.map(\.gaveUp))")
        #expect(acknowledged.count > 50, "a steady stream went through")
        #expect(duplicatedMessages.isEmpty, "\(duplicatedMessages)")
        for clientID in acknowledged.keys {
            #expect(storedByClientID[clientID] == 1, "acknowledged \(clientID) stored \(storedByClientID[clientID] ?? 0) times")
        }
        #expect(messages.count == acknowledged.count, "nothing stored that its sender did not see acknowledged")
        #expect(duplicatedNotifications.isEmpty, "\(duplicatedNotifications)")
        #expect(notifications.count == expectedNotifications)
        for message in messages {
            let content = message.string("content") ?? ""
            let sender = message.objectID("sender_id")?.description
            let receivers = Set(notifications.filter { $0.string("content") == content }.compactMap { $0.objectID("receiver_id")?.description })
            #expect(receivers == Set(people.map(\.id)).subtracting([sender].compactMap { $0 }), "notifications of \(content)")
        }
    }
}
