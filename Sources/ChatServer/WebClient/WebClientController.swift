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
/// this origin (none inline), connections only to this origin and to WebSockets (the
/// notification service listens on another port), no framing, no referrer, no sniffing.
struct WebClientController: Sendable {
    let settings: WebClientSettings

    /// The page's Content-Security-Policy. `connect-src` names `ws:` and `wss:` because
    /// `'self'` does not cover WebSockets in every browser, and the notification service
    /// is another origin.
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self' ws: wss:",
        "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// The headers of every answer of the web client.
    static let securityHeaders: HTTPFields = {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = WebClientController.contentSecurityPolicy
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
        router.get("/") { _, _ in Self.answer(page, type: "text/html; charset=utf-8") }
        router.get("app.js") { _, _ in Self.answer(script, type: "text/javascript; charset=utf-8") }
        router.get("style.css") { _, _ in Self.answer(style, type: "text/css; charset=utf-8") }
        router.get("client-config.json") { _, _ in Self.answer(config, type: "application/json") }
    }

    static func answer(_ body: ByteBuffer, type: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    static func encode(_ config: ClientConfig) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(config))) ?? Array("{}".utf8)
    }
}
