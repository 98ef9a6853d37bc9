@testable import ChatServer
import ChatCore
import ChatTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The OpenAPI document (`Sources/ChatServer/OpenAPI/openapi.json`, embedded in the binary)
/// against the routers: each service's routes are exactly the operations tagged with it.
///
/// Routes come from Hummingbird's own list (`Router.routes`), paths on both sides in the
/// router's form (`RouterPath`: empty segments dropped, so the document's
/// `/api/user/login/` is the route `/api/user/login`). The WebSocket endpoints are routes
/// too (a GET without an upgrade runs the checks, then answers 426), so they are compared
/// like the rest; the upgrade itself is decided before routing, for the same paths.
@Suite("the OpenAPI document")
struct OpenAPIDocumentTests {
    static let chatTag = "chat"
    static let notificationTag = "notification"
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    @Test("is a JSON object declaring OpenAPI 3.1")
    func declaresOpenAPI31() throws {
        let version = try #require(try Self.document()["openapi"] as? String)
        #expect(version.hasPrefix("3.1."))
    }

    @Test("tags every operation with the service that answers it")
    func everyOperationHasAService() throws {
        let tagged = try Self.operations(tagged: Self.chatTag).union(Self.operations(tagged: Self.notificationTag))
        let all = try Self.operations(tagged: nil)
        #expect(all.subtracting(tagged).isEmpty, "operations of neither service: \(all.subtracting(tagged).sorted())")
    }

    @Test("lists every route of each service, and no other", arguments: [chatTag, notificationTag])
    func documentsEveryRoute(of service: String) async throws {
        let router = service == Self.chatTag ? await Self.chatRouter() : await Self.notificationRouter()
        let routes = Self.routes(of: router)
        let documented = try Self.operations(tagged: service)
        #expect(routes.subtracting(documented).isEmpty, "\(service): routes missing from the document: \(routes.subtracting(documented).sorted())")
        #expect(documented.subtracting(routes).isEmpty, "\(service): documented but not routed: \(documented.subtracting(routes).sorted())")
    }

    @Test("is served as application/json at GET /openapi.json by both services")
    func served() async throws {
        let chat = await Self.chatRouter()
        let notification = await Self.notificationRouter()
        for router in [chat, notification] {
            try await Application(router: router).test(.router) { client in
                let response = try await client.execute(uri: "/openapi.json", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(Array(buffer: response.body) == OpenAPIDocument.bytes)
            }
        }
    }

    /// The document as parsed JSON.
    static func document() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes))
        return try #require(object as? [String: Any], "the document is not a JSON object")
    }

    /// `METHOD /path` of every operation tagged `tag` (every operation for nil), the path
    /// as the router writes it.
    static func operations(tagged tag: String?) throws -> Set<String> {
        let paths = try #require(try document()["paths"] as? [String: Any], "the document has no paths")
        var keys: Set<String> = []
        for (path, item) in paths {
            let operations = try #require(item as? [String: Any], "path item \(path) is not an object")
            for method in methods {
                guard let operation = operations[method] as? [String: Any] else { continue }
                let tags = operation["tags"] as? [String] ?? []
                if let tag, !tags.contains(tag) { continue }
                keys.insert("\(method.uppercased()) \(RouterPath(path).description)")
            }
        }
        return keys
    }

    /// `METHOD /path` of every route of `router`.
    static func routes(of router: Router<ChatRequestContext>) -> Set<String> {
        Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
    }

    /// The chat service's router as `ChatApplication.build` makes it, with `/metrics`.
    static func chatRouter() async -> Router<ChatRequestContext> {
        let ports = await ChatPorts.inMemory()
        let settings = ChatServerSettings.testing()
        let hub = RoomHub(metrics: ports.metrics)
        let sockets = RoomSocketController(
            ports: ports, hub: hub, settings: settings, quota: ConnectionQuota(perUser: settings.connectionsPerUser), keepAlive: SocketKeepAlive())
        return ChatApplication.buildRouter(ports: ports, hub: hub, sockets: sockets, checks: [], renderMetrics: { [] })
    }

    /// The notification service's router as `NotificationApplication.build` makes it, with `/metrics`.
    static func notificationRouter() async -> Router<ChatRequestContext> {
        let ports = await ChatPorts.inMemory()
        let settings = ChatServerSettings.testing()
        let sockets = NotificationSocketController(
            ports: ports, hub: NotificationHub(metrics: ports.metrics), settings: settings,
            quota: ConnectionQuota(perUser: settings.connectionsPerUser), keepAlive: SocketKeepAlive())
        return NotificationApplication.buildRouter(ports: ports, sockets: sockets, checks: [], renderMetrics: { [] })
    }
}
