import ChatTestSupport
import ChatBackends
import ChatCore
import ChatServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// The chat service running for real on a free port, and the calls a client makes.
struct LiveChat: Sendable {
    /// What the ports sign tokens with, for tests that forge tokens by hand.
    static let secret = ChatPorts.testSecret

    let client: any TestClientProtocol
    let port: Int
    let ports: ChatPorts
    /// The service's sockets (for the operator API's routes over them).
    let hub: RoomHub

    /// Runs `body` against a live chat service on 127.0.0.1 and a free port, with its
    /// moderation watcher, then stops both (on `ChatPorts.inMemory()`, warnings printed,
    /// unless `ports` are given). With `live`, the service reads its limits and origins
    /// there, as under a configuration reload. With `gentleDrain`, its `/readyz` reports
    /// that drain, which closes its sockets and runs beside it, as `serve chat` runs it.
    static func run(
        ports: ChatPorts? = nil, settings: ChatServerSettings = ChatServerSettings.testing(), live: LiveSettings? = nil,
        gentleDrain: NodeDrain? = nil, _ body: @Sendable (LiveChat) async throws -> Void
    ) async throws {
        let resolvedPorts: ChatPorts
        if let ports { resolvedPorts = ports } else { resolvedPorts = await ChatPorts.inMemory(logLevel: .warning) }
        let ports = resolvedPorts
        var logger = Logger(label: "chat-test")
        logger.logLevel = .warning
        let chat = await ChatApplication.build(ports: ports, settings: settings, live: live, gentleDrain: gentleDrain, logger: logger)
        let moderation = chat.moderation
        let hub = chat.hub
        gentleDrain?.add(hub)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The node's moderation watcher, as `serve chat` runs it beside the server;
            // cancelled however the body ends.
            group.addTask { try await moderation.run() }
            if let gentleDrain { group.addTask { try await gentleDrain.run() } }
            try await chat.application.test(.live) { client in
                guard let port = client.port else { throw ChatError(.internalError, message: "live test client has no port") }
                try await body(LiveChat(client: client, port: port, ports: ports, hub: hub))
            }
            group.cancelAll()
        }
    }

    static func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    static func decode(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    /// Every HTTP request of the in-process tests goes through here, with an optional
    /// bearer token. The app runs in this process, so this is HummingbirdTesting's `.live`
    /// client on its real port; tests of `chatctl` processes use `TestHTTP` (over
    /// ChatClient) instead, and malformed requests go through raw sockets (`RawUpgrade`).
    func request(
        _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: ByteBuffer? = nil, token: String? = nil
    ) async throws -> TestResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body)
    }

    @discardableResult
    func post(_ path: String, _ body: [String: Any], token: String? = nil) async throws -> TestResponse {
        try await request(.post, path, headers: [.contentType: "application/json"], body: Self.json(body), token: token)
    }

    func get(_ path: String, token: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        try await request(.get, path, headers: extra, token: token)
    }

    /// Signs up and logs in; returns the token.
    func user(_ name: String, password: String = "correct horse battery") async throws -> String {
        let signup = try await post("/api/user/signup/", ["username": name, "email": "\(name)@example.com", "password": password])
        guard signup.status == .created else { throw ChatError(.internalError, message: "signup \(name): \(signup.status)") }
        let login = try await post("/api/user/login/", ["username": name, "password": password])
        guard let token = Self.decode(login)["token"] as? String else { throw ChatError(.internalError, message: "login \(name): \(login.status)") }
        return token
    }

    func createRoom(_ name: String, token: String) async throws -> TestResponse {
        try await post("/api/room/create/", ["name": name], token: token)
    }

    func socket(room: String, token: String?, viaQuery: Bool = false) -> TestSocket {
        var url = "ws://127.0.0.1:\(port)/ws/join/?name=\(room)"
        var headers: HTTPFields = [:]
        if let token {
            if viaQuery { url += "&token=\(token)" } else { headers[.authorization] = "Bearer \(token)" }
        }
        return TestSocket(url: url, headers: headers)
    }
}
