import ChatTestSupport
import Testing

/// A first request asking for an upgrade the server does not perform is still answered
/// (NIO's upgrade handler alone would swallow its head and drop the connection).
@Suite("Declined upgrades")
struct DeclinedUpgradeTests {
    static func request(_ method: String, _ path: String, _ headers: [String], body: String = "") -> String {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close, Upgrade"] + headers
        if !body.isEmpty { lines += ["Content-Type: application/json", "Content-Length: \(body.utf8.count)"] }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    @Test("an Upgrade nobody here speaks (h2c, an unknown one) is ignored: the request is served as plain HTTP, body included")
    func servedAsHTTP() async throws {
        try await LiveChat.run { chat in
            let h2c = try await RawUpgrade.exchange(
                port: chat.port, request: Self.request("GET", "/healthz", ["Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA"]))
            #expect(h2c.status == 200, "\(h2c.head)")
            #expect(h2c.body == "ok")
            let body = #"{"username":"upgrader","email":"u@example.com","password":"correct horse"}"#
            let signup = try await RawUpgrade.exchange(port: chat.port, request: Self.request("POST", "/api/user/signup/", ["Upgrade: foo"], body: body))
            #expect(signup.status == 201, "\(signup.head)\n\(signup.body)")
        }
    }

    @Test("a WebSocket handshake of another version gets 426 naming version 13, one without a key 400; the next connection is served")
    func malformedHandshake() async throws {
        try await LiveChat.run { chat in
            let version = try await RawUpgrade.exchange(
                port: chat.port,
                request: Self.request("GET", "/ws/join/?name=lobby", ["Upgrade: websocket", "Sec-WebSocket-Version: 8", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]))
            #expect(version.status == 426, "\(version.head)")
            #expect(version.head.contains("Sec-WebSocket-Version: 13"))
            let noKey = try await RawUpgrade.exchange(
                port: chat.port, request: Self.request("GET", "/ws/join/?name=lobby", ["Upgrade: websocket", "Sec-WebSocket-Version: 13"]))
            #expect(noKey.status == 400, "\(noKey.head)")
            let health = try await RawUpgrade.exchange(port: chat.port, request: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(health.status == 200)
        }
    }
}
