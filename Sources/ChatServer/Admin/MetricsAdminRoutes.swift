import ChatCore
import Hummingbird

/// `GET /admin/metrics`: the figures `chatctl top` shows, read from this process's own
/// metrics (the exposition `GET /metrics` serves on the public port, which the
/// operator's host may not reach), as `{"node": "<node id>", "metrics":
/// NodeMetricsReading}`: gauges as they stand, counters and histogram buckets as totals
/// since the process started, and `uptime`, the seconds since they began counting, on the
/// node's monotonic clock. Rates and percentiles are the reader's: the difference of two
/// readings over the difference of their `uptime`.
public struct MetricsAdminRoutes: AdminRoutes {
    let nodeID: String
    let render: @Sendable () -> [UInt8]
    let started: ContinuousClock.Instant

    /// - Parameters:
    ///   - nodeID: the node's registry id, named in every answer.
    ///   - render: the process's Prometheus exposition (the registry lives in ChatRuntime).
    ///   - started: when the metrics began counting (their registry was made).
    public init(nodeID: String, render: @escaping @Sendable () -> [UInt8], started: ContinuousClock.Instant) {
        self.nodeID = nodeID
        self.render = render
        self.started = started
    }

    struct Answer: ResponseEncodable {
        var node: String
        var metrics: NodeMetricsReading
    }

    public func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        let nodeID = self.nodeID, render = self.render, started = self.started
        group.get("metrics") { _, _ -> Answer in
            let uptime = Self.seconds(ContinuousClock.now - started)
            let text = String(decoding: render(), as: UTF8.self)
            let sample: MetricsSample
            do {
                sample = try MetricsSample(prometheusText: text)
            } catch {
                throw ChatError(.internalError, message: "the node's metrics do not parse", detail: "\(error)")
            }
            return Answer(node: nodeID, metrics: NodeMetricsReading(sample: sample, uptime: uptime))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
