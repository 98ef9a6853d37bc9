import ChatBackends
import ChatCore
import Foundation

/// `chatctl token …` and the commands that call a node's operator API: the same JWT
/// authorities the services use, from the settings.
public enum TokenTools {
    /// The authority for the configured secret; `lifetime` overrides auth.token_ttl_seconds.
    public static func authority(_ settings: Settings, lifetime: Duration? = nil) async throws -> any TokenAuthority {
        await JWTTokenAuthority(secret: try secret(settings), lifetime: lifetime ?? settings.tokenLifetime)
    }

    /// Operator tokens for the configured secret: what commands present to the nodes'
    /// operator API (short-lived, never accepted as a user's token).
    public static func operatorTokens(_ settings: Settings) async throws -> any OperatorTokenAuthority {
        await JWTOperatorTokens(secret: try secret(settings))
    }

    private static func secret(_ settings: Settings) throws -> String {
        guard let secret = settings.secretKey, !secret.isEmpty else {
            throw RuntimeError("no secret key: set SECRET_KEY (or CHATCTL_SECRET_KEY, or secret_key in the config file)")
        }
        return secret
    }
}
