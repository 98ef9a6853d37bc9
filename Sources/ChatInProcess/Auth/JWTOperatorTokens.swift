import ChatCore
import Foundation
import JWTKit

/// Operator tokens as HS256 JWTs under the same secret as user tokens, told apart by
/// claims no user token has — `kind: "operator"` and `aud: "chatctl-admin"` — plus
/// `sub` (who asks), `iat`, a short `exp` and a random `jti`.
///
/// Verification refuses, in order: another algorithm than HS256 (before the signature),
/// a bad signature, an expired token, a token without both claims (every user token:
/// the Go service's `{id, username, exp}` and chatctl's), and a token valid for longer
/// than `maximumLifetime` (by `exp` − `iat` or `exp` − now): a long-lived token is not
/// an operator token, even one signed with the secret.
public struct JWTOperatorTokens: OperatorTokenAuthority {
    /// The `kind` claim of every operator token.
    public static let kind = "operator"
    /// The `aud` claim of every operator token: the operator API.
    public static let audience = "chatctl-admin"
    /// How long a token `chatctl` signs is valid.
    public static let defaultLifetime: Duration = .seconds(60)
    /// The longest validity a node accepts.
    public static let maximumLifetime: Duration = .seconds(300)

    /// How long an issued token is valid.
    public let lifetime: Duration
    private let keys: JWTKeyCollection

    public init(secret: String, lifetime: Duration = JWTOperatorTokens.defaultLifetime) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: JWTTokenAuthority.keyBytes(secret)), digestAlgorithm: .sha256)
        self.keys = keys
        self.lifetime = lifetime
    }

    struct Payload: JWTPayload {
        var kind: String?
        var aud: AudienceClaim?
        var sub: SubjectClaim?
        var iat: IssuedAtClaim?
        var exp: ExpirationClaim
        var jti: String?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    public func issue(subject: String) async throws -> String {
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let expiry = now.addingTimeInterval(Double(lifetime.components.seconds))
        return try await keys.sign(Payload(
            kind: Self.kind, aud: AudienceClaim(value: [Self.audience]), sub: SubjectClaim(value: subject), iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: expiry), jti: RandomHex.make(bytes: 16)))
    }

    public func verify(_ token: String) async throws -> OperatorClaims {
        try JWTTokenAuthority.checkAlgorithm(token)
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch let error as JWTError {
            switch error.errorType {
            case .claimVerificationFailure: throw ChatError.unauthorized("token has expired")
            case .signatureVerificationFailed: throw ChatError.unauthorized("token signature is invalid")
            default: throw ChatError.unauthorized("token is malformed")
            }
        } catch {
            throw ChatError.unauthorized("token is malformed")
        }
        guard payload.kind == Self.kind, payload.aud?.value.contains(Self.audience) == true else {
            throw ChatError.unauthorized("not an operator token")
        }
        guard let issuedAt = payload.iat?.value else { throw ChatError.unauthorized("operator token has no iat claim") }
        let longest = Double(Self.maximumLifetime.components.seconds)
        let expiresAt = payload.exp.value
        guard expiresAt.timeIntervalSince(issuedAt) <= longest, expiresAt.timeIntervalSinceNow <= longest else {
            throw ChatError.unauthorized("operator token is valid for longer than \(Int(longest)) seconds")
        }
        return OperatorClaims(subject: payload.sub?.value ?? "", issuedAt: issuedAt, expiresAt: expiresAt)
    }
}
