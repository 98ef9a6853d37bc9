import ChatBackends
import ChatCore
import Foundation

/// `chatctl token …`: the same JWT authority the services use, from the settings.
public enum TokenTools {
    /// The authority for the configured secret; `lifetime` overrides auth.token_ttl_seconds.
    public static func authority(_ settings: Settings, lifetime: Duration? = nil) async throws -> any TokenAuthority {
        guard let secret = settings.secretKey, !secret.isEmpty else {
            throw RuntimeError("no secret key: set SECRET_KEY (or CHATCTL_SECRET_KEY, or secret_key in the config file)")
        }
        return await JWTTokenAuthority(secret: secret, lifetime: lifetime ?? settings.tokenLifetime)
    }
}
