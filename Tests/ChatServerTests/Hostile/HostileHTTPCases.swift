import ChatTestSupport
import Foundation
import HTTPTypes
import Testing

/// Hostile HTTP requests: bodies, fields and tokens.
enum HostileHTTPCases {
    /// A request whose answer must have `status` and, when given, carry `error` in its body.
    static func request(
        _ name: String, _ path: String, method: HTTPRequest.Method = .post, body: [UInt8]?, token: (@Sendable (HostileFixture) -> String?)? = nil,
        status: Int, error: String?
    ) -> HostileCase {
        HostileCase(name) { f in
            let bearer = token?(f)
            let answer = try await f.request(method, path, body: body, token: bearer)
            #expect(answer.status == status, "\(name): \(answer.body)")
            if let error { #expect(answer.body.contains(error), "\(name): \(answer.body)") }
            f.expectClean(answer.body, alsoNot: bearer.map { [$0] } ?? [])
        }
    }

    static func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let signup = "/api/user/signup/"
    static let login = "/api/user/login/"
    static let createRoom = "/api/room/create/"
    static let listRooms = "/api/room/list/"
    static let valid: @Sendable (HostileFixture) -> String? = { $0.token }

    static let bodies: [HostileCase] = [
        request("malformed JSON", signup, body: json(#"{"username":"amy","#), status: 400, error: "request body is not valid JSON"),
        request("truncated JSON", signup, body: json(#"{"username":"amy","email":"amy@example.com","passw"#), status: 400, error: "not valid JSON"),
        request("a JSON array instead of an object", signup, body: json("[1,2,3]"), status: 400, error: "request body must be a JSON object"),
        request("a bare JSON string", signup, body: json(#""hello""#), status: 400, error: "request body must be a JSON object"),
        request("an empty body", signup, body: nil, status: 400, error: "request body is empty"),
        request("username of the wrong type", signup, body: json(#"{"username":12345,"email":"a@example.com","password":"long enough pw"}"#),
            status: 400, error: "username must be a string"),
        request("email missing", signup, body: json(#"{"username":"amy","password":"long enough pw"}"#), status: 400, error: "email is required"),
        request("username null", login, body: json(#"{"username":null,"password":"whatever1"}"#), status: 400, error: "username is required"),
        request("unknown fields are ignored, as the Go service's binder did", signup,
            body: json(#"{"username":"amy","email":"amy@example.com","password":"long enough pw","admin":true,"role":"root"}"#), status: 201, error: nil),
        request("a 100 KiB body is refused by size before parsing", signup, body: Array(repeating: UInt8(ascii: "a"), count: 100 * 1024),
            status: 413, error: "request body exceeds 65536 bytes"),
        request("NoSQL operator as the username", login, body: json(#"{"username":{"$gt":""},"password":"whatever1"}"#),
            status: 400, error: "username must be a string"),
        request("NoSQL operator as the password", login, body: json(#"{"username":"victim","password":{"$ne":null}}"#),
            status: 400, error: "password must be a string"),
        request("NoSQL operator as a room name", createRoom, body: json(#"{"name":{"$regex":".*"}}"#), token: valid,
            status: 400, error: "name must be a string"),
        request("control characters in a username", signup, body: json(#"{"username":"ev\u0001il","email":"e@example.com","password":"long enough pw"}"#),
            status: 400, error: "username may contain only letters"),
        request("invalid UTF-8 inside a JSON string", signup,
            body: json(#"{"username":"ab"#) + [0xFF, 0xFE] + json(#"c","email":"x@example.com","password":"long enough pw"}"#),
            status: 400, error: "error"),
        request("a newline in an email", signup, body: json(#"{"username":"amy","email":"amy@exa\nmple.com","password":"long enough pw"}"#),
            status: 400, error: "email is not a valid address"),
        request("a username of 33 characters", signup,
            body: json(#"{"username":"\#(String(repeating: "u", count: 33))","email":"u@example.com","password":"long enough pw"}"#),
            status: 400, error: "username must be 3 to 32 characters"),
        request("a 100-byte password is refused without echoing it", signup,
            body: json(#"{"username":"amy","email":"amy@example.com","password":"\#(String(repeating: "p", count: 100))"}"#),
            status: 400, error: "password must be 8 to 72 bytes"),
        request("a room name with path characters", createRoom, body: json(#"{"name":"../../etc/passwd"}"#), token: valid,
            status: 400, error: "name may contain only letters"),
        request("a room name with glob characters", createRoom, body: json(#"{"name":"room*?[a]"}"#), token: valid,
            status: 400, error: "name may contain only letters"),
        request("a room name of 65 characters", createRoom, body: json(#"{"name":"\#(String(repeating: "r", count: 65))"}"#), token: valid,
            status: 400, error: "name must be 1 to 64 characters"),
        request("a wrong password is answered without echoing it", login, body: json(#"{"username":"victim","password":"guess-0xDEADBEEF"}"#),
            status: 400, error: "invalid username or password"),
    ]

    static func forged(_ make: @escaping @Sendable (HostileFixture, [String: Any]) -> String) -> @Sendable (HostileFixture) -> String? {
        { f in make(f, TokenForge.goClaims(id: f.user.id.hex, username: f.user.username)) }
    }

    static let tokens: [HostileCase] = [
        request("an expired token", listRooms, method: .get, body: nil, token: { f in
            TokenForge.token(claims: TokenForge.goClaims(id: f.user.id.hex, username: "victim", expiresIn: -120), secret: LiveChat.secret)
        }, status: 401, error: "token has expired"),
        request("a token not valid yet (nbf in an hour)", listRooms, method: .get, body: nil, token: forged { _, claims in
            var claims = claims
            claims["nbf"] = Int(Date().timeIntervalSince1970 + 3600)
            return TokenForge.token(claims: claims, secret: LiveChat.secret)
        }, status: 401, error: "token is not valid yet"),
        request("a token signed with another key", listRooms, method: .get, body: nil, token: forged { _, claims in
            TokenForge.token(claims: claims, secret: "some-other-secret-entirely-0123456789")
        }, status: 401, error: "token signature is invalid"),
        request("alg: none", listRooms, method: .get, body: nil, token: forged { _, claims in
            TokenForge.token(header: ["alg": "none", "typ": "JWT"], claims: claims, secret: nil)
        }, status: 401, error: "error"),
        request("alg: RS256 with the HMAC secret as key", listRooms, method: .get, body: nil, token: forged { _, claims in
            TokenForge.token(header: ["alg": "RS256", "typ": "JWT"], claims: claims, secret: LiveChat.secret)
        }, status: 401, error: "error"),
        request("a truncated token", listRooms, method: .get, body: nil, token: { f in String(f.token.dropLast(7)) }, status: 401, error: "error"),
        request("a token of a deleted user", listRooms, method: .get, body: nil, token: { $0.deletedUserToken }, status: 401, error: "error"),
        request("a token of a disabled user", listRooms, method: .get, body: nil, token: { $0.disabledUserToken }, status: 401, error: "error"),
        request("an empty bearer token", listRooms, method: .get, body: nil, token: { _ in "" }, status: 401, error: "error"),
        request("a token whose id claim is not an ObjectId", listRooms, method: .get, body: nil, token: { f in
            TokenForge.token(claims: TokenForge.goClaims(id: "'; DROP TABLE clients; --", username: "victim"), secret: LiveChat.secret)
        }, status: 401, error: "token claim id is not an ObjectId"),
    ]
}
