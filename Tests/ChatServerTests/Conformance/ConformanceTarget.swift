import ChatCore
import ChatServer
import ChatTestSupport
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

/// The two WebSockets chatctl serves, both run by `ServerWebSocketHandler`: every case is
/// played against each, on a fresh in-process service.
enum ConformanceTarget: String, Sendable, CaseIterable, CustomTestStringConvertible {
    /// `/ws/join/?name=ROOM` on the chat service.
    case room
    /// `/ws/join-notification/` on the notification service.
    case notification

    var testDescription: String {
        switch self {
        case .room: "room socket"
        case .notification: "notification socket"
        }
    }

    /// The largest frame and message both services take (`websocket.max_frame_bytes`'
    /// default), and keepalive pings too rare to show up in a case.
    static let settings = ChatServerSettings.testing {
        $0.maxFrameBytes = ConformanceLimits.maxFrameBytes
        $0.pingInterval = .seconds(3600)
    }

    static let password = "conformance password"

    /// What this socket answers of `answers`: the room socket all of them, the notification
    /// socket only pongs (it ignores what clients send).
    func answers(_ answers: [ConformanceAnswer]) -> [ConformanceAnswer] {
        guard self == .notification else { return answers }
        return answers.filter { answer in
            if case .pong = answer { return true }
            return false
        }
    }

    /// Runs `body` against a fresh service with one user (and for the room socket, a
    /// room); then checks that the service still answers HTTP.
    func run(_ body: @Sendable (ConformanceEndpoint) async throws -> Void) async throws {
        switch self {
        case .room:
            try await LiveChat.run(settings: Self.settings) { chat in
                let token = try await chat.user("autobahn", password: Self.password)
                _ = try await chat.createRoom("conformance", token: token)
                try await body(ConformanceEndpoint(target: .room, port: chat.port, path: "/ws/join/?name=conformance", token: token))
                #expect(try await chat.get("/healthz").status == .ok)
            }
        case .notification:
            let ports = await ChatPorts.inMemory(logLevel: .warning)
            _ = try await SignUp(ports: ports)(username: "autobahn", email: "autobahn@example.com", password: Self.password)
            let token = try await LogIn(ports: ports)(username: "autobahn", password: Self.password).token
            var logger = Logger(label: "notify-conformance")
            logger.logLevel = .warning
            let notify = NotificationApplication.build(ports: ports, settings: Self.settings, logger: logger)
            try await notify.application.test(.live) { client in
                guard let port = client.port else { throw ChatError(.internalError, message: "live test client has no port") }
                try await body(ConformanceEndpoint(target: .notification, port: port, path: "/ws/join-notification/", token: token))
                let health: TestResponse = try await client.execute(uri: "/healthz", method: .get)
                #expect(health.status == .ok)
            }
        }
    }
}

/// Where a case connects: a running service's socket and a user's token.
struct ConformanceEndpoint: Sendable {
    let target: ConformanceTarget
    let port: Int
    let path: String
    let token: String
}

enum ConformanceLimits {
    /// `websocket.max_frame_bytes` in the cases: 64 KiB, the default.
    static let maxFrameBytes = 64 * 1024
}
