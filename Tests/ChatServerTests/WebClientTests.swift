import ChatRuntime
@testable import ChatServer
import Foundation
import HTTPTypes
import NIOCore
import Testing

@Suite("web client")
struct WebClientTests {
    @Test("/ serves the page, its script and style and client-config.json, each with the security headers")
    func servesThePage() async throws {
        let settings = ChatServerSettings.testing { $0.webClient = WebClientSettings(notifyURL: nil, notifyPort: 8123) }
        try await LiveChat.run(settings: settings) { chat in
            let expected = [
                "/": "text/html; charset=utf-8", "/app.js": "text/javascript; charset=utf-8",
                "/style.css": "text/css; charset=utf-8", "/client-config.json": "application/json",
            ]
            for (path, type) in expected {
                let response = try await chat.get(path)
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.contentType] == type, "\(path)")
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                for directive in ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self' ws://", "frame-ancestors 'none'"] {
                    #expect(policy.contains(directive), "\(path): \(policy)")
                }
                // WebSockets to the page's own address and the notification port only, not to any host.
                #expect(policy.contains(":8123 wss://") && !policy.contains(" ws: ") && !policy.contains(" wss:;"), "\(path): \(policy)")
                #expect(!policy.contains("unsafe-inline"), "\(path): \(policy)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
            }
            let page = String(buffer: try await chat.get("/").body)
            #expect(page.contains(#"<script src="app.js" defer></script>"#))
            #expect(page.contains(#"<link rel="stylesheet" href="style.css">"#))
            let script = String(buffer: try await chat.get("/app.js").body)
            #expect(script.contains("ws/join/"))
            #expect(script.contains("'reconnect'") && script.contains("1012"), "the client comes back with since on a drain")
            let config = LiveChat.decode(try await chat.get("/client-config.json"))
            #expect(config["notify_port"] as? Int == 8123)
            #expect(!config.keys.contains("notify_url"))
        }
    }

    @Test("the policy's connections: the page's address and the notification service's; a Host that is not host[:port] gets 'self' alone")
    func connectSources() {
        let local = WebClientSettings(notifyURL: nil, notifyPort: 8080)
        #expect(WebClientController.contentSecurityPolicy(authority: "chat.example.com:8000", settings: local).contains(
            "connect-src 'self' ws://chat.example.com:8000 wss://chat.example.com:8000 ws://chat.example.com:8080 wss://chat.example.com:8080;"))
        #expect(WebClientController.contentSecurityPolicy(authority: "[::1]:8000", settings: local).contains("ws://[::1]:8080 wss://[::1]:8080;"))
        let proxied = WebClientSettings(notifyURL: "wss://notify.example.com/socket", notifyPort: 8080)
        #expect(WebClientController.contentSecurityPolicy(authority: "chat.example.com", settings: proxied).contains(
            "connect-src 'self' ws://chat.example.com wss://chat.example.com wss://notify.example.com;"))
        let hostile = WebClientController.contentSecurityPolicy(authority: "x; script-src *", settings: local)
        #expect(hostile.contains("connect-src 'self';") && !hostile.contains("script-src *"), "\(hostile)")
    }

    @Test("chat.web_client is on by default; false in the config file turns the page off, the API stays")
    func settingTurnsItOff() async throws {
        #expect(Settings.builtIn.chatServer.webClient == WebClientSettings(notifyURL: nil, notifyPort: 8080))
        let loaded = try await Self.load(#"{"chat": {"web_client": false}}"#)
        #expect(loaded.chatServer.webClient == nil)
        let settings = ChatServerSettings.testing { $0.webClient = loaded.chatServer.webClient }
        try await LiveChat.run(settings: settings) { chat in
            for path in ["/", "/app.js", "/style.css", "/client-config.json"] {
                let response = try await chat.get(path)
                #expect(response.status == .notFound, "\(path)")
            }
            let health = try await chat.get("/healthz")
            #expect(health.status == .ok)
        }
    }

    @Test("notify.public_url reaches client-config.json")
    func notifyAddress() async throws {
        let loaded = try await Self.load(#"{"notify": {"port": 9090, "public_url": "wss://notify.example.com"}}"#)
        let webClient = try #require(loaded.chatServer.webClient)
        #expect(webClient == WebClientSettings(notifyURL: "wss://notify.example.com", notifyPort: 9090))
        try await LiveChat.run(settings: ChatServerSettings.testing { $0.webClient = webClient }) { chat in
            let config = LiveChat.decode(try await chat.get("/client-config.json"))
            #expect(config["notify_url"] as? String == "wss://notify.example.com")
        }
        let wrong = try await Self.load(#"{"notify": {"public_url": "https://notify.example.com"}}"#)
        #expect(throws: SettingsError.self) { try wrong.validate() }
    }

    /// Settings from a config file with this JSON and nothing from the environment.
    static func load(_ json: String) async throws -> Settings {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("web-client-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await SettingsLoader(configFile: file.path, environment: [:]).load()
    }
}
