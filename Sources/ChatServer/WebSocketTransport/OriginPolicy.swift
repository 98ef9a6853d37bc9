import HTTPTypes

/// Which browser `Origin`s may open a WebSocket (`websocket.allowed_origins`).
///
/// With no list, any. A request without `Origin` (not a browser) always may. With a list,
/// an `Origin` on it (exact match) may, and so may a page of this very address: an
/// `Origin` whose host and port are the request's `Host` (the web client served at `/`),
/// since only a page loaded from that address can send it.
struct OriginPolicy: Sendable {
    let allowed: [String]

    func admits(_ request: HTTPRequest) -> Bool {
        guard !allowed.isEmpty, let origin = request.headerFields[.origin] else { return true }
        return allowed.contains(origin) || Self.isOwnOrigin(origin, authority: request.authority)
    }

    /// `http://HOST` or `https://HOST` where HOST is the request's `Host` (case-insensitive).
    static func isOwnOrigin(_ origin: String, authority: String?) -> Bool {
        guard let authority, !authority.isEmpty else { return false }
        let origin = origin.lowercased()
        for scheme in ["http://", "https://"] where origin.hasPrefix(scheme) {
            return origin.dropFirst(scheme.count) == authority.lowercased()
        }
        return false
    }
}
