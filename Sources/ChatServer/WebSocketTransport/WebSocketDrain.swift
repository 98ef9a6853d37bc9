import Logging
import ServiceLifecycle

/// The first step of a graceful shutdown of a WebSocket service: every open socket
/// finishes its in-flight work, flushes what is queued to it and closes with 1001
/// "going away"; new sockets are refused the same way. Runs before the HTTP server
/// stops (a `ServiceGroup` shuts services down in reverse order, so this service is
/// listed after the application), bounded by `timeout`.
public struct WebSocketDrain: Service {
    let hub: any DrainableHub
    let timeout: Duration
    let logger: Logger

    public init(hub: any DrainableHub, timeout: Duration, logger: Logger) {
        self.hub = hub
        self.timeout = timeout
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: the group is going down without a drain
        }
        let start = ContinuousClock.now
        let open = hub.drain()
        while hub.totalConnections > 0, ContinuousClock.now - start < timeout, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = hub.totalConnections
        let metadata: Logger.Metadata = ["sockets": "\(open)", "left_open": "\(left)", "elapsed_ms": "\((ContinuousClock.now - start).components.seconds * 1000 + (ContinuousClock.now - start).components.attoseconds / 1_000_000_000_000_000)"]
        if left > 0 { logger.warning("drain timed out; closing the rest with the server", metadata: metadata) } else { logger.info("websockets drained", metadata: metadata) }
    }
}
