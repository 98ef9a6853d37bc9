import Crypto
import Foundation

/// Makes JWTs by hand, independently of jwt-kit, the way other implementations
/// (the Go service's golang-jwt, attackers) make them.
public enum TokenForge {
    /// A token with the given header and claims, HS256-signed with `secret`
    /// (or with an empty signature when `secret` is nil).
    public static func token(header: [String: Any] = ["alg": "HS256", "typ": "JWT"], claims: [String: Any], secret: String?) -> String {
        let head = base64URL(try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let body = base64URL(try! JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signingInput = "\(head).\(body)"
        guard let secret else { return signingInput + "." }
        return signingInput + "." + signature(of: signingInput, secret: secret)
    }

    /// The base64url HMAC-SHA256 of `signingInput` under `secret`.
    public static func signature(of signingInput: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return base64URL(Data(mac))
    }

    /// The Go service's claims: `{id, username, exp}`, expiring `expiresIn` seconds from now.
    public static func goClaims(id: String?, username: String, expiresIn: TimeInterval = 3600) -> [String: Any] {
        var claims: [String: Any] = ["username": username, "exp": Int(Date().timeIntervalSince1970 + expiresIn)]
        if let id { claims["id"] = id }
        return claims
    }

    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
