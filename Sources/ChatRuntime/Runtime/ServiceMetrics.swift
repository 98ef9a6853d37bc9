import ChatCore
import Prometheus

/// The process's metrics: one Prometheus registry behind `GET /metrics`, and the
/// `ChatMetrics` handles made from it. Owned by the runtime (no global bootstrap), so
/// tests and several services in one process keep their figures apart.
public struct ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let chat: ChatMetrics
    /// When the metrics began counting (every counter and histogram was zero then): the
    /// origin of `GET /admin/metrics`'s `uptime`.
    public let started: ContinuousClock.Instant

    public init() {
        let registry = PrometheusCollectorRegistry()
        let fast: [Duration] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
        ]
        let slow: [Duration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        let factory = DescribedMetricsFactory(
            registry: registry, timerBuckets: Dictionary(uniqueKeysWithValues: ChatMetrics.Name.fastTimers.map { ($0, fast) }),
            defaultTimerBuckets: slow, help: ChatMetrics.Name.help)
        self.registry = registry
        self.chat = ChatMetrics(factory: factory)
        self.started = ContinuousClock.now
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
