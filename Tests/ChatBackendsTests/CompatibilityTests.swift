import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

@Suite("compatibility with the Go services' tokens and hashes")
struct CompatibilityTests {
    static let secret = "shared-secret-between-go-and-swift"

    @Test("a token made elsewhere with the Go claims {id, username, exp} verifies")
    func goToken() async throws {
        let authority = await JWTTokenAuthority(secret: Self.secret)
        let id = ObjectID()
        let token = TokenForge.token(claims: TokenForge.goClaims(id: id.hex, username: "varga"), secret: Self.secret)
        let claims = try await authority.verify(token)
        #expect(claims.userID == id)
        #expect(claims.username == "varga")
    }

    @Test("a short secret (as the Go service allowed) signs exactly as HMAC-SHA256 does elsewhere")
    func shortSecret() async throws {
        let authority = await JWTTokenAuthority(secret: "secret")
        let token = TokenForge.token(claims: TokenForge.goClaims(id: nil, username: "old"), secret: "secret")
        #expect(try await authority.verify(token).username == "old")
        // Our signature equals HMAC-SHA256 under the unpadded short secret, so the Go service accepts it.
        let ours = try await authority.issue(for: User(username: "new", email: "n@example.com", passwordHash: "h"))
        let parts = ours.split(separator: ".")
        #expect(TokenForge.signature(of: "\(parts[0]).\(parts[1])", secret: "secret") == String(parts[2]))
    }

    @Test("issued tokens carry id, username and a 12-hour exp")
    func issuedClaims() async throws {
        let authority = await JWTTokenAuthority(secret: Self.secret)
        let user = User(username: "wren", email: "w@example.com", passwordHash: "h")
        let before = Date()
        let token = try await authority.issue(for: user)
        let after = Date()
        let payload = try #require(Data(base64URL: String(token.split(separator: ".")[1])))
        let claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        #expect(claims["id"] as? String == user.id.hex)
        #expect(claims["username"] as? String == "wren")
        let exp = try #require(claims["exp"] as? Double)
        // 12 h from the moment of issue, in whole or fractional seconds: between the clock
        // read before and after it (no allowance for how long issuing took).
        let twelveHours: TimeInterval = 12 * 3600
        #expect(exp >= (before.timeIntervalSince1970 + twelveHours).rounded(.down), "exp \(exp)")
        #expect(exp <= (after.timeIntervalSince1970 + twelveHours).rounded(.up), "exp \(exp)")
        let header = try #require(Data(base64URL: String(token.split(separator: ".")[0])))
        #expect((try JSONSerialization.jsonObject(with: header) as? [String: Any])?["alg"] as? String == "HS256")
    }

    @Test("refused: expired, wrong key, alg none, alg RS256, alg HS512, garbage")
    func refused() async throws {
        let authority = await JWTTokenAuthority(secret: Self.secret)
        let claims = TokenForge.goClaims(id: ObjectID().hex, username: "x")
        let tokens = [
            TokenForge.token(claims: TokenForge.goClaims(id: nil, username: "x", expiresIn: -5), secret: Self.secret),
            TokenForge.token(claims: claims, secret: "not-the-secret"),
            TokenForge.token(header: ["alg": "none"], claims: claims, secret: nil),
            TokenForge.token(header: ["alg": "RS256"], claims: claims, secret: Self.secret),
            TokenForge.token(header: ["alg": "HS512"], claims: claims, secret: Self.secret),
            "a.b.c", "", "....",
        ]
        for token in tokens {
            await #expect(throws: ChatError.self, "\(token)") { try await authority.verify(token) }
        }
    }

    @Test("bcrypt hashes made elsewhere ($2a$, $2b$, $2y$, cost 10) verify; wrong passwords do not", arguments: [
        "$2a$10$FQ7deNcqjTjMUYR4/3RqfOcI0RAGuk2EunrRIHYg4OcnPzCa4k3sq",
        "$2b$10$NEpj6A51ITeAzXZK40C.HujvfihmTc7cZU.hHl5AKdo.zPDEK95Na",
        "$2y$10$7vqTP3TBrthcWDX7Ir/uhurJWaqPUyTq6B9VdG5Bq2HFLuQVxpUMi",
    ])
    func bcryptElsewhere(hash: String) async throws {
        let hasher = BcryptPasswordHasher()
        #expect(try await hasher.verify("correct horse battery", against: hash))
        #expect(try await !hasher.verify("correct horse batterY", against: hash))
    }

    @Test("new hashes are $2a$ at cost 10 and verify")
    func bcryptOurs() async throws {
        let hasher = BcryptPasswordHasher()
        let hash = try await hasher.hash("a new password")
        #expect(hash.hasPrefix("$2a$10$"))
        #expect(hash.count == 60)
        #expect(try await hasher.verify("a new password", against: hash))
        #expect(try await !hasher.verify("a new password", against: "not a hash"))
    }
}

extension Data {
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
