import ChatCore
import Foundation
import Testing

@Suite("metrics sample: Prometheus text and histogram quantiles")
struct MetricsSampleTests {
    /// An exposition as the process's registry writes it: HELP and TYPE lines, a labelled
    /// histogram of two operations, gauges as floating point, counters as integers.
    static let exposition = #"""
        # HELP chatctl_connections_open WebSockets open on this node (room and notification sockets).
        # TYPE chatctl_connections_open gauge
        chatctl_connections_open 3.0
        # TYPE chatctl_messages_posted_total counter
        chatctl_messages_posted_total 42
        # TYPE chatctl_http_requests_total counter
        chatctl_http_requests_total{route="/api/room/list",method="GET",status="200"} 7
        chatctl_http_requests_total{route="/api/room/list",method="GET",status="503"} 2
        chatctl_http_requests_total{route="/api/user/login",method="POST",status="500"} 1
        # TYPE chatctl_store_seconds histogram
        chatctl_store_seconds_bucket{operation="write_messages",le="0.001"} 10
        chatctl_store_seconds_bucket{operation="write_messages",le="0.01"} 90
        chatctl_store_seconds_bucket{operation="write_messages",le="0.1"} 100
        chatctl_store_seconds_bucket{operation="write_messages",le="+Inf"} 100
        chatctl_store_seconds_sum{operation="write_messages"} 0.5
        chatctl_store_seconds_count{operation="write_messages"} 100
        chatctl_store_seconds_bucket{operation="recent_messages",le="0.001"} 0
        chatctl_store_seconds_bucket{operation="recent_messages",le="0.01"} 0
        chatctl_store_seconds_bucket{operation="recent_messages",le="0.1"} 4
        chatctl_store_seconds_bucket{operation="recent_messages",le="+Inf"} 5
        chatctl_store_seconds_sum{operation="recent_messages"} 2.5
        chatctl_store_seconds_count{operation="recent_messages"} 5

        """#

    @Test("sample lines by name and labels; TYPE lines kept; sums over label sets; nil for a metric not exposed")
    func parses() throws {
        let sample = try MetricsSample(prometheusText: Self.exposition)
        #expect(sample.types["chatctl_store_seconds"] == "histogram")
        #expect(sample.types["chatctl_connections_open"] == "gauge")
        #expect(sample.sum("chatctl_connections_open") == 3)
        #expect(sample.sum("chatctl_messages_posted_total") == 42)
        #expect(sample.sum("chatctl_http_requests_total") == 10)
        #expect(sample.sum("chatctl_http_requests_total", labels: ["status": "200"]) == 7)
        #expect(sample.sum("chatctl_http_requests_total", where: { $0.labels["status"]?.hasPrefix("5") == true }) == 3)
        #expect(sample.sum("chatctl_events_dropped_total") == nil)
        #expect(sample.histogram("chatctl_fanout_latency_seconds") == nil)
    }

    @Test("escaped label values, a trailing comma, special values and a timestamp")
    func lexicalCorners() throws {
        let sample = try MetricsSample(prometheusText: """
            weird{path="a\\"b\\\\c\\nd",} 1.5e3 1700000000000
            up +Inf
            down -Inf
            odd NaN\r
            """)
        #expect(sample.values[.init(name: "weird", labels: ["path": "a\"b\\c\nd"])] == 1500)
        #expect(sample.sum("up") == Double.infinity)
        #expect(sample.sum("down") == -Double.infinity)
        #expect(sample.sum("odd")?.isNaN == true)
    }

    @Test("a line that is not a sample is refused with its number", arguments: [
        "metric", "metric{a=\"1\" 3", "metric{a=1} 3", "metric three", "metric 3 soon", "9metric 1", "metric{a=\"open} 1",
    ])
    func refuses(line: String) {
        #expect(throws: MetricsSample.ParseError.self) { try MetricsSample(prometheusText: "# TYPE metric gauge\nok 1\n\(line)\n") }
        do throws(MetricsSample.ParseError) {
            _ = try MetricsSample(prometheusText: "ok 1\n\(line)")
            Issue.record("'\(line)' parsed")
        } catch {
            #expect(error.line == 2, "\(error)")
        }
    }

    @Test("a histogram of one label set, or of all of them summed bucket by bucket")
    func histograms() throws {
        let sample = try MetricsSample(prometheusText: Self.exposition)
        let writes = try #require(sample.histogram("chatctl_store_seconds", labels: ["operation": "write_messages"]))
        #expect(writes == HistogramCounts(bounds: [0.001, 0.01, 0.1], cumulative: [10, 90, 100], count: 100, sum: 0.5))
        let all = try #require(sample.histogram("chatctl_store_seconds"))
        #expect(all == HistogramCounts(bounds: [0.001, 0.01, 0.1], cumulative: [10, 90, 104], count: 105, sum: 3))
    }

    @Test("quantiles interpolate linearly within the bucket the rank falls in")
    func quantileInterpolation() {
        let counts = HistogramCounts(bounds: [0.001, 0.01, 0.1], cumulative: [10, 90, 100], count: 100, sum: 0.5)
        // rank 99: in (0.01, 0.1], the 9th of its 10 observations.
        #expect(abs(counts.quantile(0.99)! - 0.091) < 1e-12)
        // rank 50: in (0.001, 0.01], the 40th of its 80.
        #expect(abs(counts.quantile(0.5)! - 0.0055) < 1e-12)
        // The first bucket starts at 0.
        #expect(abs(HistogramCounts(bounds: [0.5], cumulative: [4], count: 4, sum: 1).quantile(0.5)! - 0.25) < 1e-12)
        // A rank in the +Inf bucket: the highest finite bound.
        #expect(HistogramCounts(bounds: [1, 2, 3], cumulative: [1, 2, 3], count: 10, sum: 40).quantile(0.99) == 3)
        // No observation: no quantile.
        #expect(HistogramCounts(bounds: [1, 2], cumulative: [0, 0], count: 0, sum: 0).quantile(0.99) == nil)
    }

    @Test("the observations between two readings; a histogram whose counts went down starts again")
    func since() {
        let earlier = HistogramCounts(bounds: [0.001, 0.01, 0.1], cumulative: [10, 90, 100], count: 100, sum: 0.5)
        let later = HistogramCounts(bounds: [0.001, 0.01, 0.1], cumulative: [10, 91, 110], count: 111, sum: 1.5)
        let window = later.since(earlier)
        #expect(window == HistogramCounts(bounds: [0.001, 0.01, 0.1], cumulative: [0, 1, 10], count: 11, sum: 1))
        // Rank 10.89 of 11 lies past the last finite bucket (10 at or below 0.1): its bound.
        #expect(window.quantile(0.99) == 0.1)
        // Rank 5.5: in (0.01, 0.1], the 4.5th of its 9 observations.
        #expect(abs(window.quantile(0.5)! - 0.055) < 1e-12)
        let restarted = HistogramCounts(bounds: [0.001, 0.01, 0.1], cumulative: [1, 2, 2], count: 2, sum: 0.01)
        #expect(restarted.since(earlier) == restarted)
        #expect(later.since(nil) == later)
    }
}
