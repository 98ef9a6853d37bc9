import ChatCore
import Prometheus

/// The process's metrics: one Prometheus registry behind `GET /metrics`, and the
/// `ChatMetrics` handles made from it. Owned by the runtime (no global bootstrap), so
/// tests and several services in one process keep their figures apart.
public struct ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let chat: ChatMetrics

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let fast: [Duration] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
        ]
        for name in ChatMetrics.Name.fastTimers { factory.durationHistogramBuckets[name] = fast }
        self.registry = registry
        self.chat = ChatMetrics(factory: factory)
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
