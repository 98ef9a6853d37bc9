import Foundation

/// The figures `chatctl top` shows of one node, read from the node's own metrics at one
/// instant (`GET /admin/metrics`): its gauges as they stand, its counters and histograms
/// as totals since the process started. Rates and quantiles over an interval come from
/// two readings (`NodeRates`). A figure the node does not expose is nil.
public struct NodeMetricsReading: Sendable, Codable, Equatable {
    /// Seconds since the node's metrics began counting (its start), on its monotonic clock.
    public var uptime: Double
    /// WebSockets open (`chatctl_connections_open`).
    public var connections: Double?
    /// Rooms with a socket on the node (`chatctl_rooms_active`).
    public var rooms: Double?
    /// Message events waiting to be published (`chatctl_event_buffer_depth`).
    public var eventQueueDepth: Double?
    /// Messages stored by posts on the node (`chatctl_messages_posted_total`).
    public var messages: Double?
    /// Message frames queued to sockets (`chatctl_deliveries_total`).
    public var deliveries: Double?
    /// The node's error counters added up (`Source.errorCounters`).
    public var errors: Double?
    /// Store-to-sockets latency of messages posted on the node (`chatctl_fanout_latency_seconds`).
    public var fanout: HistogramCounts?
    /// Group-committed message writes (`chatctl_store_seconds{operation="write_messages"}`).
    public var store: HistogramCounts?

    public init(
        uptime: Double, connections: Double? = nil, rooms: Double? = nil, eventQueueDepth: Double? = nil, messages: Double? = nil,
        deliveries: Double? = nil, errors: Double? = nil, fanout: HistogramCounts? = nil, store: HistogramCounts? = nil
    ) {
        self.uptime = uptime
        self.connections = connections
        self.rooms = rooms
        self.eventQueueDepth = eventQueueDepth
        self.messages = messages
        self.deliveries = deliveries
        self.errors = errors
        self.fanout = fanout
        self.store = store
    }

    /// Which metrics give each figure: the one place `top`'s columns are defined.
    public enum Source {
        public static let connections = ChatMetrics.Name.connectionsOpen
        public static let rooms = ChatMetrics.Name.roomsActive
        public static let eventQueueDepth = ChatMetrics.Name.eventBufferDepth
        public static let messages = ChatMetrics.Name.messagesPosted
        public static let deliveries = ChatMetrics.Name.deliveries
        public static let fanout = ChatMetrics.Name.fanoutLatency
        public static let store = ChatMetrics.Name.storeLatency
        /// The store operation `store` is about: the hot path's batched message writes.
        public static let storeLabels = ["operation": "write_messages"]
        /// Counters of failures, all of their series: posts that failed to store, event
        /// publishes that failed or were dropped, events dead-lettered.
        public static let errorCounters = [
            ChatMetrics.Name.messagesFailed, ChatMetrics.Name.eventPublishFailures, ChatMetrics.Name.eventsDropped,
            ChatMetrics.Name.eventsDeadLettered,
        ]
        /// Also errors: HTTP answers with a 5xx status, and scheduler runs that failed.
        public static let httpRequests = ChatMetrics.Name.httpRequests
        public static let taskRuns = ChatMetrics.Name.taskRuns
    }

    /// The figures in `sample`, read `uptime` seconds after the metrics began counting.
    /// Values that are not finite numbers count as not exposed.
    public init(sample: MetricsSample, uptime: Double) {
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        func histogram(_ counts: HistogramCounts?) -> HistogramCounts? {
            guard let counts, counts.count.isFinite, counts.sum.isFinite, counts.cumulative.allSatisfy(\.isFinite) else { return nil }
            return counts
        }
        let serverErrors = sample.sum(Source.httpRequests, where: { $0.labels["status"]?.hasPrefix("5") == true })
        let failedRuns = sample.sum(Source.taskRuns, labels: ["outcome": "failed"])
        let failures: [Double] = Source.errorCounters.compactMap { sample.sum($0) } + [serverErrors, failedRuns].compactMap { $0 }
        self.init(
            uptime: uptime,
            connections: finite(sample.sum(Source.connections)),
            rooms: finite(sample.sum(Source.rooms)),
            eventQueueDepth: finite(sample.sum(Source.eventQueueDepth)),
            messages: finite(sample.sum(Source.messages)),
            deliveries: finite(sample.sum(Source.deliveries)),
            errors: finite(failures.isEmpty ? nil : failures.reduce(0, +)),
            fanout: histogram(sample.histogram(Source.fanout)),
            store: histogram(sample.histogram(Source.store, labels: Source.storeLabels)))
    }
}
