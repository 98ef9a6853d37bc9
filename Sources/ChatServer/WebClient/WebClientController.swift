import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /`: the browser client (a page, its script and its style, embedded in the
/// binary), and `GET /client-config.json`: what the page cannot see from its own address
/// (where the notification service is).
///
/// The client uses the public API as any client does, from the page's own origin. Every
/// answer here forbids everything the page does not need: scripts and styles only from
/// this origin (none inline), connections only to this origin, its WebSockets and the
/// notification service's (another port), no framing, no referrer, no sniffing.
struct WebClientController: Sendable {
    let settings: WebClientSettings

    /// The page's Content-Security-Policy, for a page reached at `authority` (the
    /// request's `Host`): scripts, styles and images from the page's origin only, none
    /// inline; connections to the page's origin, its WebSockets and the notification
    /// service's (`notify.public_url`, else the page's host on `notify.port`) and nowhere
    /// else. `ws:`/`wss:` origins are named because `'self'` does not cover WebSockets in
    /// every browser. A `Host` that is not a plain host[:port] gets `'self'` alone.
    static func contentSecurityPolicy(authority: String?, settings: WebClientSettings) -> String {
        var connect = ["'self'"]
        if let authority, isPlainAuthority(authority) {
            connect += ["ws://\(authority)", "wss://\(authority)"]
            if settings.notifyURL == nil, settings.notifyPort != 0 {
                let notify = "\(hostname(of: authority)):\(settings.notifyPort)"
                connect += ["ws://\(notify)", "wss://\(notify)"]
            }
        }
        if let url = settings.notifyURL, let origin = webSocketOrigin(of: url) { connect.append(origin) }
        return [
            "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src \(connect.joined(separator: " "))",
            "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    /// Letters, digits, `.`, `-`, `:` and IPv6 brackets only: nothing that could end a
    /// directive or add a source.
    static func isPlainAuthority(_ authority: String) -> Bool {
        !authority.isEmpty && authority.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x3A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
        }
    }

    /// `host` of `host:port`, `[v6]` of `[v6]:port`.
    static func hostname(of authority: String) -> Substring {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { return authority[...close] }
        return authority.split(separator: ":", maxSplits: 1).first ?? Substring(authority)
    }

    /// `scheme://host[:port]` of a ws:// or wss:// address.
    static func webSocketOrigin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, ["ws", "wss"].contains(scheme),
            let host = components.host, isPlainAuthority(host)
        else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// The headers of every answer of the web client but its policy.
    static let securityHeaders: HTTPFields = {
        var headers = HTTPFields()
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[.cacheControl] = "no-cache"
        return headers
    }()

    /// What `/client-config.json` says.
    struct ClientConfig: Encodable {
        /// The notification service's WebSocket address, when configured.
        var notifyURL: String?
        /// Its port on the page's own host, when no address is configured.
        var notifyPort: Int

        enum CodingKeys: String, CodingKey {
            case notifyURL = "notify_url"
            case notifyPort = "notify_port"
        }
    }

    func addRoutes(to router: Router<ChatRequestContext>) {
        let page = ByteBuffer(bytes: PackageResources.index_html)
        let script = ByteBuffer(bytes: PackageResources.app_js)
        let style = ByteBuffer(bytes: PackageResources.style_css)
        let config = ByteBuffer(bytes: Self.encode(ClientConfig(notifyURL: settings.notifyURL, notifyPort: settings.notifyPort)))
        let settings = settings
        func answer(_ body: ByteBuffer, type: String) -> @Sendable (Request, ChatRequestContext) -> Response {
            { request, _ in
                var headers = Self.securityHeaders
                headers[.contentSecurityPolicy] = Self.contentSecurityPolicy(authority: request.head.authority, settings: settings)
                headers[.contentType] = type
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
            }
        }
        router.get("/", use: answer(page, type: "text/html; charset=utf-8"))
        router.get("app.js", use: answer(script, type: "text/javascript; charset=utf-8"))
        router.get("style.css", use: answer(style, type: "text/css; charset=utf-8"))
        router.get("client-config.json", use: answer(config, type: "application/json"))
    }

    static func encode(_ config: ClientConfig) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(config))) ?? Array("{}".utf8)
    }
}
