import ChatBackends
import ChatCore
import ChatRuntime
import ChatServer
import ChatTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `GET /admin/metrics` on a live operator API over a real metrics registry.
@Suite("operator API: GET /admin/metrics")
struct MetricsAdminTests {
    static let secret = LiveChat.secret

    /// Runs `body` against a live operator API with the node and metrics routes, then stops it.
    static func run(_ body: @Sendable (any TestClientProtocol, LocalNode, ServiceMetrics) async throws -> Void) async throws {
        var logger = Logger(label: "admin-metrics-test")
        logger.logLevel = .critical
        let node = LocalNode(roles: ["chat"], servers: ["chat"], operatorAPI: true, version: "test")
        let metrics = ServiceMetrics()
        let api = AdminApplication.build(
            host: "127.0.0.1", port: 0,
            routes: [NodeAdminRoutes(node: node, checks: []), MetricsAdminRoutes(nodeID: node.id, render: { metrics.render() }, started: metrics.started)],
            tokens: await JWTOperatorTokens(secret: secret), logger: logger)
        try await api.test(.live) { client in try await body(client, node, metrics) }
    }

    @Test("401 without an operator token, and for a user token signed with the same secret")
    func refused() async throws {
        let userToken = try await JWTTokenAuthority(secret: Self.secret).issue(for: User(username: "root", email: "root@example.com", passwordHash: "x"))
        let goToken = TokenForge.token(claims: TokenForge.goClaims(id: ObjectID().hex, username: "root"), secret: Self.secret)
        try await Self.run { client, _, _ in
            for token in [nil, userToken, goToken, "not-a-jwt"] {
                let response = try await OperatorAPITests.get(client, "/admin/metrics", token: token)
                #expect(response.status == .unauthorized, "\(token ?? "no token")")
                let body = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
                #expect(body["error"] is String, "\(body)")
            }
        }
    }

    @Test("an operator token gets the node's figures: gauges as they stand, counters and histogram buckets since the start")
    func answers() async throws {
        let token = try await JWTOperatorTokens(secret: Self.secret).issue(subject: "tester@box")
        try await Self.run { client, node, metrics in
            metrics.chat.connectionsOpen.set(3)
            metrics.chat.roomsActive.set(2)
            metrics.chat.messagesPosted.increment(by: 5)
            metrics.chat.deliveries.increment(by: 15)
            metrics.chat.messagesFailed.increment()
            metrics.chat.storeWrite.record(.milliseconds(2))
            metrics.chat.fanoutLatency.record(.microseconds(300))

            let response = try await OperatorAPITests.get(client, "/admin/metrics", token: token)
            #expect(response.status == .ok)
            struct Answer: Decodable {
                var node: String
                var metrics: NodeMetricsReading
            }
            let answer = try JSONDecoder().decode(Answer.self, from: Data(buffer: response.body))
            #expect(answer.node == node.id)
            let reading = answer.metrics
            #expect(reading.uptime >= 0)
            #expect(reading.connections == 3 && reading.rooms == 2 && reading.eventQueueDepth == 0)
            #expect(reading.messages == 5 && reading.deliveries == 15 && reading.errors == 1)
            #expect(reading.store?.count == 1 && reading.fanout?.count == 1)
            let rates = NodeRates(from: nil, to: reading)
            #expect(rates.storeP99.map { $0 >= 0 } == true && rates.fanoutP99.map { $0 >= 0 } == true)
            #expect(rates.messagesTotal == 5)

            // A second reading: uptime goes on, counters only grow.
            metrics.chat.messagesPosted.increment()
            let again = try JSONDecoder().decode(Answer.self, from: Data(buffer: try await OperatorAPITests.get(client, "/admin/metrics", token: token).body))
            #expect(again.metrics.uptime >= reading.uptime && again.metrics.messages == 6)
        }
    }
}
