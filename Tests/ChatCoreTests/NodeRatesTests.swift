import ChatCore
import Foundation
import Testing

@Suite("node rates: two readings of a node's metrics")
struct NodeRatesTests {
    static func store(_ cumulative: [Double], count: Double) -> HistogramCounts {
        HistogramCounts(bounds: [0.001, 0.01, 0.1], cumulative: cumulative, count: count, sum: 0)
    }

    @Test("a reading of the node's exposition: gauges, counters, the error counters added up, both histograms")
    func reading() throws {
        let sample = try MetricsSample(prometheusText: """
            chatctl_connections_open 4.0
            chatctl_rooms_active 2.0
            chatctl_event_buffer_depth 1.0
            chatctl_messages_posted_total 30
            chatctl_deliveries_total 90
            chatctl_messages_failed_total 1
            chatctl_event_publish_failures_total 2
            chatctl_events_dropped_total 0
            chatctl_http_requests_total{route="/api/room/list",method="GET",status="200"} 50
            chatctl_http_requests_total{route="/api/room/list",method="GET",status="503"} 3
            chatctl_scheduler_runs_total{task="archive",outcome="failed"} 1
            chatctl_scheduler_runs_total{task="archive",outcome="ok"} 9
            chatctl_fanout_latency_seconds_bucket{le="0.001"} 30
            chatctl_fanout_latency_seconds_bucket{le="+Inf"} 30
            chatctl_fanout_latency_seconds_sum 0.003
            chatctl_fanout_latency_seconds_count 30
            chatctl_store_seconds_bucket{operation="write_messages",le="0.001"} 5
            chatctl_store_seconds_bucket{operation="write_messages",le="+Inf"} 5
            chatctl_store_seconds_sum{operation="write_messages"} 0.002
            chatctl_store_seconds_count{operation="write_messages"} 5
            chatctl_store_seconds_bucket{operation="recent_messages",le="0.001"} 0
            chatctl_store_seconds_bucket{operation="recent_messages",le="+Inf"} 7
            chatctl_store_seconds_sum{operation="recent_messages"} 70
            chatctl_store_seconds_count{operation="recent_messages"} 7
            """)
        let reading = NodeMetricsReading(sample: sample, uptime: 10)
        #expect(reading.connections == 4 && reading.rooms == 2 && reading.eventQueueDepth == 1)
        #expect(reading.messages == 30 && reading.deliveries == 90)
        #expect(reading.errors == 7, "1 failed post + 2 failed publishes + 0 dropped + 3 answers 5xx + 1 failed run")
        #expect(reading.fanout?.count == 30)
        #expect(reading.store == HistogramCounts(bounds: [0.001], cumulative: [5], count: 5, sum: 0.002), "the message writes only")

        // Since the start (no earlier reading): totals over the uptime.
        let rates = NodeRates(from: nil, to: reading)
        #expect(rates.seconds == 10)
        #expect(rates.connections == 4 && rates.rooms == 2 && rates.eventQueueDepth == 1)
        #expect(rates.messagesPerSecond == 3 && rates.deliveriesPerSecond == 9 && rates.errorsPerSecond == 0.7)
        #expect(rates.messagesTotal == 30)
        #expect(rates.storeP99.map { $0 > 0 && $0 <= 0.001 } == true)
    }

    @Test("rates are the counters' increase over the seconds between the readings; p99 of the observations in between")
    func window() {
        let earlier = NodeMetricsReading(
            uptime: 10, connections: 1, messages: 100, deliveries: 300, errors: 0, store: Self.store([10, 90, 100], count: 100))
        let later = NodeMetricsReading(
            uptime: 12, connections: 2, messages: 110, deliveries: 340, errors: 1, store: Self.store([10, 90, 110], count: 110))
        let rates = NodeRates(from: earlier, to: later)
        #expect(rates.seconds == 2)
        #expect(rates.connections == 2)
        #expect(rates.messagesPerSecond == 5 && rates.deliveriesPerSecond == 20 && rates.errorsPerSecond == 0.5)
        // All 10 writes of the window took between 10 and 100 ms.
        #expect(rates.storeP99.map { $0 > 0.01 && $0 <= 0.1 } == true)
    }

    @Test("a counter that went down was reset: never a negative rate")
    func counterReset() {
        #expect(NodeRates.increase(from: 100, to: 5) == 5)
        #expect(NodeRates.increase(from: 5, to: 100) == 95)
        #expect(NodeRates.increase(from: nil, to: 7) == 7)
        let earlier = NodeMetricsReading(uptime: 10, messages: 100, deliveries: 100)
        let later = NodeMetricsReading(uptime: 12, messages: 4, deliveries: 100)
        let rates = NodeRates(from: earlier, to: later)
        #expect(rates.messagesPerSecond == 2)
        #expect(rates.deliveriesPerSecond == 0)
        // A node whose uptime went back (it started again): the window is its new life.
        let restarted = NodeRates(from: earlier, to: NodeMetricsReading(uptime: 4, messages: 8))
        #expect(restarted.seconds == 4 && restarted.messagesPerSecond == 2)
        // A window of no length has no rate.
        #expect(NodeRates.rate(increase: 3, seconds: 0) == nil)
    }

    @Test("a figure the node does not expose, or a percentile with nothing observed, is nil and shows as '-'")
    func missing() throws {
        let sample = try MetricsSample(prometheusText: "chatctl_connections_open 1.0\n")
        let reading = NodeMetricsReading(sample: sample, uptime: 3)
        #expect(reading.messages == nil && reading.errors == nil && reading.fanout == nil && reading.store == nil)
        let rates = NodeRates(from: nil, to: reading)
        #expect(rates.connections == 1)
        #expect(rates.messagesPerSecond == nil && rates.deliveriesPerSecond == nil && rates.errorsPerSecond == nil)
        #expect(rates.fanoutP99 == nil && rates.storeP99 == nil && rates.rooms == nil)
        #expect(FigureText.rate(rates.messagesPerSecond) == "-")
        #expect(FigureText.latency(rates.fanoutP99) == "-")
        #expect(FigureText.count(rates.rooms) == "-")
        #expect(FigureText.count(rates.connections) == "1")

        // Nothing observed between two readings: no percentile, though the histogram is there.
        let idle = Self.store([1, 1, 1], count: 1)
        let quiet = NodeRates(from: NodeMetricsReading(uptime: 1, store: idle), to: NodeMetricsReading(uptime: 2, store: idle))
        #expect(quiet.storeP99 == nil)
    }

    @Test("figures as a person reads them")
    func text() {
        #expect(FigureText.rate(0) == "0.0")
        #expect(FigureText.rate(3.25) == "3.2" || FigureText.rate(3.25) == "3.3")
        #expect(FigureText.rate(42.4) == "42")
        #expect(FigureText.rate(12_345) == "12.3k")
        #expect(FigureText.rate(4_100_000) == "4.1M")
        #expect(FigureText.latency(0.000_85) == "850µs")
        #expect(FigureText.latency(0.0025) == "2.5ms")
        #expect(FigureText.latency(0.04) == "40ms")
        #expect(FigureText.latency(1.25) == "1.25s")
    }

    @Test("a reading survives JSON, as the operator API sends it")
    func json() throws {
        let reading = NodeMetricsReading(uptime: 1.5, connections: 2, messages: 3, fanout: Self.store([1, 2, 3], count: 4))
        let decoded = try JSONDecoder().decode(NodeMetricsReading.self, from: JSONEncoder().encode(reading))
        #expect(decoded == reading)
    }
}
