import Hummingbird
import NIOCore

/// `GET /metrics`: the process's metrics in the Prometheus text format.
struct MetricsController {
    /// Renders the exposition text (the registry lives in ChatRuntime).
    let render: @Sendable () -> [UInt8]

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: render())))
        }
    }
}
