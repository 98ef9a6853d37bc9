import ChatCore
import Hummingbird
import Logging
import NIOCore

/// A process's operator endpoints alone — `/healthz`, `/readyz`, `/metrics` — for a
/// service without its own HTTP server (`chatctl serve scheduler`).
public enum StatusApplication {
    public static func build(
        host: String, port: Int, checks: [HealthCheck], renderMetrics: @escaping @Sendable () -> [UInt8], logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: ChatRequestContext.self)
        HealthController(checks: checks).addRoutes(to: router)
        MetricsController(render: renderMetrics).addRoutes(to: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "chatctl-scheduler"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
