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
import Testing

/// The operator API on a free port: only operator tokens signed with the secret open it.
@Suite("operator API: operator tokens only")
struct OperatorAPITests {
    static let secret = LiveChat.secret

    /// Runs `body` against a live operator API with the node and room routes, then stops it.
    static func run(_ body: @Sendable (any TestClientProtocol, LocalNode, RoomHub) async throws -> Void) async throws {
        var logger = Logger(label: "admin-test")
        logger.logLevel = .critical
        let node = LocalNode(roles: ["chat"], servers: ["chat"], operatorAPI: true, version: "test")
        node.listening("chat", port: 8000)
        let hub = RoomHub()
        let tokens = await JWTOperatorTokens(secret: secret)
        let api = AdminApplication.build(
            host: "127.0.0.1", port: 0,
            routes: [NodeAdminRoutes(node: node, checks: []), RoomAdminRoutes(hub: hub), ConnectionAdminRoutes(nodeID: node.id, hubs: [hub])],
            tokens: tokens, logger: logger)
        try await api.test(.live) { client in try await body(client, node, hub) }
    }

    static func get(_ client: any TestClientProtocol, _ path: String, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: .get, headers: headers, body: nil)
    }

    /// Operator claims as `JWTOperatorTokens` signs them, `expiresIn` seconds from now.
    static func operatorClaims(expiresIn: TimeInterval = 60, issuedAgo: TimeInterval = 0) -> [String: Any] {
        let now = Int(Date().timeIntervalSince1970)
        return ["kind": "operator", "aud": "chatctl-admin", "sub": "tester@box", "iat": now - Int(issuedAgo), "exp": now + Int(expiresIn), "jti": "x"]
    }

    enum BadToken: String, CaseIterable, Sendable {
        case missing, garbage, goUserToken, chatctlUserToken, otherSecret, expired, longLived, noKind, otherAudience, algNone, queryString
    }

    func make(_ kind: BadToken) async throws -> String? {
        switch kind {
        case .missing, .queryString: return nil
        case .garbage: return "not-a-jwt"
        case .goUserToken: return TokenForge.token(claims: TokenForge.goClaims(id: ObjectID().hex, username: "root"), secret: Self.secret)
        case .chatctlUserToken:
            return try await JWTTokenAuthority(secret: Self.secret).issue(for: User(username: "root", email: "root@example.com", passwordHash: "x"))
        case .otherSecret: return try await JWTOperatorTokens(secret: "another-secret-entirely-0123456789").issue(subject: "intruder")
        case .expired: return TokenForge.token(claims: Self.operatorClaims(expiresIn: -5, issuedAgo: 65), secret: Self.secret)
        case .longLived: return TokenForge.token(claims: Self.operatorClaims(expiresIn: 86_400), secret: Self.secret)
        case .noKind:
            var claims = Self.operatorClaims()
            claims["kind"] = nil
            return TokenForge.token(claims: claims, secret: Self.secret)
        case .otherAudience:
            var claims = Self.operatorClaims()
            claims["aud"] = "chat"
            return TokenForge.token(claims: claims, secret: Self.secret)
        case .algNone: return TokenForge.token(header: ["alg": "none", "typ": "JWT"], claims: Self.operatorClaims(), secret: nil)
        }
    }

    @Test("every route, and an unknown path, answers 401 {error, message} without a valid operator token", arguments: BadToken.allCases)
    func refused(kind: BadToken) async throws {
        let token = try await make(kind)
        try await Self.run { client, _, _ in
            for path in ["/admin/node", "/admin/rooms/live", "/admin/connections", "/admin/nowhere", "/"] {
                var uri = path
                if kind == .queryString { uri += "?token=\(try await JWTOperatorTokens(secret: Self.secret).issue(subject: "q"))" }
                let response = try await Self.get(client, uri, token: token)
                #expect(response.status == .unauthorized, "\(kind) \(path)")
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                let body = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
                #expect(body["error"] is String && body["message"] is String, "\(kind) \(path): \(body)")
            }
        }
    }

    @Test("an operator token opens /admin/node (the record now, and readiness), /admin/rooms/live and /admin/connections; unknown paths are 404")
    func accepted() async throws {
        let token = try await JWTOperatorTokens(secret: Self.secret).issue(subject: "tester@box")
        try await Self.run { client, node, _ in
            let nodeAnswer = try await Self.get(client, "/admin/node", token: token)
            #expect(nodeAnswer.status == .ok)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: nodeAnswer.body)) as? [String: Any])
            let record = try #require(object["node"] as? [String: Any])
            #expect(record["id"] as? String == node.id && (record["ports"] as? [String: Int]) == ["chat": 8000])
            #expect((object["health"] as? [String: Any])?["status"] as? String == "ready")

            let rooms = try await Self.get(client, "/admin/rooms/live", token: token)
            #expect(rooms.status == .ok)
            let live = try #require(try JSONSerialization.jsonObject(with: Data(buffer: rooms.body)) as? [String: Any])
            #expect((live["rooms"] as? [String: Int]) == [:])

            let connections = try await Self.get(client, "/admin/connections", token: token)
            #expect(connections.status == .ok)
            let listing = try #require(try JSONSerialization.jsonObject(with: Data(buffer: connections.body)) as? [String: Any])
            #expect(listing["node"] as? String == node.id && (listing["connections"] as? [Any])?.isEmpty == true)

            #expect(try await Self.get(client, "/admin/nowhere", token: token).status == .notFound)
        }
    }

    @Test("operator tokens verify with their claims; user tokens of either implementation never do")
    func tokenKinds() async throws {
        let tokens = await JWTOperatorTokens(secret: Self.secret)
        let claims = try await tokens.verify(try await tokens.issue(subject: "ann@host"))
        #expect(claims.subject == "ann@host")
        #expect(claims.expiresAt.timeIntervalSince(claims.issuedAt) == 60)
        let users = await JWTTokenAuthority(secret: Self.secret)
        let userToken = try await users.issue(for: User(username: "ann", email: "ann@example.com", passwordHash: "x"))
        await #expect(throws: ChatError.unauthorized("not an operator token")) { try await tokens.verify(userToken) }
        let operatorToken = try await tokens.issue(subject: "ann@host")
        await #expect(throws: ChatError.unauthorized("an operator token is not a user token")) { try await users.verify(operatorToken) }
    }
}
