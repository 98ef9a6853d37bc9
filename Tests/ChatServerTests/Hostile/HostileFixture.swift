import ChatCore
import ChatTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A running chat service with a known user, room, a deleted and a disabled user, for the
/// hostile-input table. Every case runs against a fresh one.
struct HostileFixture: Sendable {
    static let password = "victim password 123"

    let chat: LiveChat
    let token: String
    let user: User
    let deletedUserToken: String
    let disabledUserToken: String

    static func run(_ body: @Sendable (HostileFixture) async throws -> Void) async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("victim", password: password)
            _ = try await chat.createRoom("lobby", token: token)
            let deletedToken = try await chat.user("goner")
            let disabledToken = try await chat.user("frozen")
            let store = chat.ports.store
            _ = try await store.deleteUser(id: try #require(try await store.user(named: "goner")).id)
            _ = try await store.setDisabled(true, forUser: try #require(try await store.user(named: "frozen")).id)
            let user = try #require(try await store.user(named: "victim"))
            let fixture = HostileFixture(chat: chat, token: token, user: user, deletedUserToken: deletedToken, disabledUserToken: disabledToken)
            try await body(fixture)
            try await fixture.expectStillServing()
        }
    }

    /// A raw request: any bytes as the body, any headers.
    func request(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil, token: String? = nil) async throws -> (status: Int, body: String) {
        let response = try await chat.request(
            method, path, headers: [.contentType: "application/json"], body: body.map { ByteBuffer(bytes: $0) }, token: token)
        return (Int(response.status.code), String(buffer: response.body))
    }

    /// Nothing crashed or wedged: health answers and the known user still works.
    func expectStillServing() async throws {
        #expect(try await chat.get("/healthz").status == .ok)
        #expect(try await chat.get("/api/room/list/", token: token).status == .ok)
    }

    /// What no response may carry: secrets, passwords, internals.
    func expectClean(_ body: String, alsoNot extra: [String] = []) {
        for secret in [LiveChat.secret, Self.password, ".swift", "Fatal error", "Stack"] + extra {
            #expect(!body.contains(secret), "response leaks \(secret): \(body)")
        }
    }

    /// A socket joined to `lobby` (its history frame read).
    func joinedSocket() async throws -> TestSocket {
        let socket = chat.socket(room: "lobby", token: token)
        _ = try await socket.nextArray()
        return socket
    }

    /// The socket still posts and receives.
    func expectUsable(_ socket: TestSocket) async throws {
        socket.send(#"{"type":"message","content":"still here"}"#)
        var seen = false
        for _ in 0..<5 where !seen {
            seen = try await socket.nextObject()["content"] as? String == "still here"
        }
        #expect(seen)
    }
}

/// One hostile input and what the server must answer.
struct HostileCase: Sendable, CustomTestStringConvertible {
    let name: String
    let check: @Sendable (HostileFixture) async throws -> Void

    init(_ name: String, _ check: @escaping @Sendable (HostileFixture) async throws -> Void) {
        self.name = name
        self.check = check
    }

    var testDescription: String { name }
}
