import ChatCore
import Foundation
import JWTKit

/// HS256 JWTs with the Go service's claims `{id, username, exp}`, so a token from
/// either implementation works on the other.
///
/// Only `HS256` is accepted: the header's `alg` is checked before the signature,
/// so `none`, `RS256` with the secret as key, and friends are refused by name. Operator
/// tokens (`JWTOperatorTokens`: a `kind` claim, `aud` chatctl-admin) are refused too,
/// whatever other claims they carry: they open the operator API, never a user's session.
public struct JWTTokenAuthority: TokenAuthority {
    /// How long an issued token is valid (the Go service: 12 hours).
    public let lifetime: Duration
    private let keys: JWTKeyCollection

    /// The Go service's token lifetime (12 hours), the default of `auth.token_ttl_seconds`.
    public static let goTokenLifetime: Duration = .seconds(12 * 3600)

    public init(secret: String, lifetime: Duration = goTokenLifetime) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Self.keyBytes(secret)), digestAlgorithm: .sha256)
        self.keys = keys
        self.lifetime = lifetime
    }

    /// Whether a secret is shorter than the 32 bytes RFC 7518 asks of an HS256 key
    /// (accepted, as the Go system accepted any `SECRET_KEY`, but worth a warning).
    public static func isWeak(secret: String) -> Bool { secret.utf8.count < 32 }

    /// The secret's bytes, zero-padded to 32 when shorter.
    ///
    /// HMAC (RFC 2104) zero-pads every key shorter than the 64-byte SHA-256 block
    /// before use, so this padding yields exactly the signatures the Go service makes
    /// with the short secret, while satisfying jwt-kit's minimum key size check.
    static func keyBytes(_ secret: String) -> [UInt8] {
        var bytes = Array(secret.utf8)
        if bytes.count < 32 { bytes += [UInt8](repeating: 0, count: 32 - bytes.count) }
        return bytes
    }

    struct Payload: JWTPayload {
        var id: String?
        var username: String
        var exp: ExpirationClaim
        /// A random token id, so that two logins in the same second get different
        /// tokens (logging one out must not revoke the other). The Go service ignores it.
        var jti: String?
        /// Not before: honoured when present (as the Go service's JWT library does).
        var nbf: NotBeforeClaim?
        /// Only operator tokens carry a kind; a user token never does.
        var kind: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            // A minute of leeway for clocks that differ between nodes.
            try nbf?.verifyNotBefore(currentDate: Date().addingTimeInterval(60))
        }
    }

    public func issue(for user: User) async throws -> String {
        let seconds = Double(lifetime.components.seconds)
        let expiry = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + seconds).rounded(.down))
        return try await keys.sign(
            Payload(id: user.id.hex, username: user.username, exp: ExpirationClaim(value: expiry), jti: RandomHex.make(bytes: 16), nbf: nil, kind: nil))
    }

    public func verify(_ token: String) async throws -> AuthClaims {
        try Self.checkAlgorithm(token)
        try Self.refuseOperatorToken(token)
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch let error as JWTError {
            switch error.errorType {
            case .claimVerificationFailure where error.failedClaim is NotBeforeClaim: throw ChatError.unauthorized("token is not valid yet")
            case .claimVerificationFailure: throw ChatError.unauthorized("token has expired")
            case .signatureVerificationFailed: throw ChatError.unauthorized("token signature is invalid")
            default: throw ChatError.unauthorized("token is malformed")
            }
        } catch {
            throw ChatError.unauthorized("token is malformed")
        }
        guard payload.kind == nil else { throw Self.operatorTokenRefused }
        var userID: ObjectID?
        if let hex = payload.id {
            guard let id = ObjectID(hex: hex) else { throw ChatError.unauthorized("token claim id is not an ObjectId") }
            userID = id
        }
        // No `iat` in the Go service's claims: the issue time is `exp` minus the lifetime
        // (what `User.refusesToken` compares with the start of a ban).
        let issuedAt = payload.exp.value.addingTimeInterval(-Double(lifetime.components.seconds))
        return AuthClaims(userID: userID, username: payload.username, expiresAt: payload.exp.value, issuedAt: issuedAt)
    }

    /// Refuses any token whose header does not say `"alg":"HS256"`.
    static func checkAlgorithm(_ token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Data(base64URLEncoded: parts[0]) else {
            throw ChatError.unauthorized("token is malformed")
        }
        struct Header: Decodable { var alg: String? }
        guard let header = try? JSONDecoder().decode(Header.self, from: headerData) else {
            throw ChatError.unauthorized("token is malformed")
        }
        guard header.alg == "HS256" else {
            throw ChatError.unauthorized("token algorithm \(header.alg.map { "'\($0.prefix(16))'" } ?? "(missing)") is not accepted")
        }
    }
}

extension JWTTokenAuthority {
    static let operatorTokenRefused = ChatError.unauthorized("an operator token is not a user token")

    /// Refuses, before the signature is checked, a token whose claims say it is an
    /// operator token (a `kind` claim, or `aud` naming the operator API). Only ever
    /// refuses: a token it lets through still has to pass every other check.
    static func refuseOperatorToken(_ token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let claimsData = Data(base64URLEncoded: parts[1]),
            let claims = (try? JSONSerialization.jsonObject(with: claimsData)) as? [String: Any]
        else { return }
        let audiences = (claims["aud"] as? [String]) ?? (claims["aud"] as? String).map { [$0] } ?? []
        if claims["kind"] != nil || audiences.contains(JWTOperatorTokens.audience) { throw operatorTokenRefused }
    }
}

extension Data {
    /// Decodes unpadded base64url (RFC 4648 §5), as JWT segments are written.
    init?(base64URLEncoded text: some StringProtocol) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let remainder = base64.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { base64 += String(repeating: "=", count: 4 - remainder) }
        self.init(base64Encoded: base64)
    }
}
