import ChatCore
import Hummingbird
import Logging
import NIOCore

/// The operator API of a serving process: HTTP on its own address (`admin.host`,
/// `admin.port`; loopback by default), for `chatctl` only. Every request, whatever its
/// path, must carry an operator token (`OperatorAuthMiddleware`); the routes are the
/// given `AdminRoutes` under `/admin/`.
public enum AdminApplication {
    /// The router (also usable with HummingbirdTesting's `.router`).
    static func buildRouter(routes: [any AdminRoutes], tokens: any OperatorTokenAuthority) -> Router<AdminRequestContext> {
        let router = Router(context: AdminRequestContext.self)
        // Added first, so it guards every route and the "not found" answer too: without
        // a token nothing tells which routes exist.
        router.add(middleware: OperatorAuthMiddleware(tokens: tokens))
        let admin = router.group("admin")
        for routeSet in routes { routeSet.addRoutes(to: admin) }
        return router
    }

    /// The operator API as a runnable service.
    ///
    /// - Parameter onServerRunning: called with the bound port once it accepts connections.
    public static func build(
        host: String, port: Int, routes: [any AdminRoutes], tokens: any OperatorTokenAuthority, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(routes: routes, tokens: tokens),
            configuration: .init(address: .hostname(host, port: port), serverName: "chatctl-admin"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
