import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import HTTPTypes
import Testing

@Suite("tokens: refused without an upgrade, and the Go service's tokens accepted")
struct TokenRefusalTests {
    enum BadToken: String, CaseIterable {
        case missing, garbage, wrongSignature, expired, algNone, algRS256, truncated, operatorToken
    }

    func make(_ kind: BadToken, id: String, username: String) -> String? {
        let claims = TokenForge.goClaims(id: id, username: username)
        switch kind {
        case .missing: return nil
        case .garbage: return "not-a-jwt"
        case .wrongSignature: return TokenForge.token(claims: claims, secret: "another-secret-entirely-0123456789")
        case .expired: return TokenForge.token(claims: TokenForge.goClaims(id: id, username: username, expiresIn: -60), secret: LiveChat.secret)
        case .algNone: return TokenForge.token(header: ["alg": "none", "typ": "JWT"], claims: claims, secret: nil)
        case .algRS256: return TokenForge.token(header: ["alg": "RS256", "typ": "JWT"], claims: claims, secret: LiveChat.secret)
        case .truncated:
            let good = TokenForge.token(claims: claims, secret: LiveChat.secret)
            return String(good.dropLast(5))
        case .operatorToken:
            // An operator token (for the operator API) that also names the user: never a user's token.
            var operatorClaims = claims
            operatorClaims["kind"] = "operator"
            operatorClaims["aud"] = "chatctl-admin"
            return TokenForge.token(claims: operatorClaims, secret: LiveChat.secret)
        }
    }

    @Test("a bad token gets 401 and no upgrade", arguments: BadToken.allCases)
    func refused(kind: BadToken) async throws {
        try await LiveChat.run { chat in
            let good = try await chat.user("oscar")
            _ = try await chat.createRoom("guarded", token: good)
            let user = try #require(try await chat.ports.store.user(named: "oscar"))
            let token = make(kind, id: user.id.hex, username: "oscar")

            let refusal = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=guarded", token: token)
            #expect(refusal.status == 401)
            #expect(!refusal.head.lowercased().contains("upgrade: websocket"))
            #expect(refusal.body.contains("\"error\""))
            #expect(!refusal.body.contains("HTTP/1.1"), "exactly one response")
            let list = try await chat.get("/api/room/list/", token: token)
            #expect(list.status == .unauthorized)

            let socket = chat.socket(room: "guarded", token: token)
            await #expect(throws: (any Error).self) { _ = try await socket.closed.value }
        }
    }

    @Test("a token minted with the Go service's claims and secret is accepted (with and without id)")
    func goToken() async throws {
        try await LiveChat.run { chat in
            _ = try await chat.user("peggy")
            let user = try #require(try await chat.ports.store.user(named: "peggy"))
            for id in [user.id.hex, nil] {
                let token = TokenForge.token(claims: TokenForge.goClaims(id: id, username: "peggy"), secret: LiveChat.secret)
                #expect(try await chat.get("/api/room/list/", token: token).status == .ok)
                #expect(try await chat.createRoom("go-\(id == nil ? "old" : "new")", token: token).status == .ok)
            }
        }
    }
}
