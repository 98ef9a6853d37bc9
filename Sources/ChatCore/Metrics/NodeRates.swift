import Foundation

/// One node's figures over a window between two readings of its metrics, as `chatctl
/// top` shows them: gauges as of the later reading; rates as the counters' increase
/// divided by the seconds between the readings; 99th percentiles of the observations
/// made in between. A figure the node does not expose, or that has no observation in
/// the window (a percentile), is nil.
///
/// Without an earlier reading the window is the node's whole life: its counters and
/// histograms began at zero when it started.
public struct NodeRates: Sendable, Equatable {
    /// The quantile the latency figures give.
    public static let quantile = 0.99

    /// The window's length in seconds.
    public var seconds: Double
    public var connections: Int?
    public var rooms: Int?
    public var eventQueueDepth: Int?
    /// Messages posted per second.
    public var messagesPerSecond: Double?
    /// Message frames queued to sockets per second.
    public var deliveriesPerSecond: Double?
    /// Errors per second (`NodeMetricsReading.Source.errorCounters` and the others).
    public var errorsPerSecond: Double?
    /// 99th percentile of the fan-out latency, in seconds.
    public var fanoutP99: Double?
    /// 99th percentile of the store's message writes, in seconds.
    public var storeP99: Double?
    /// Messages posted in all (the counter's value at the later reading).
    public var messagesTotal: Double?

    public init(
        seconds: Double, connections: Int? = nil, rooms: Int? = nil, eventQueueDepth: Int? = nil, messagesPerSecond: Double? = nil,
        deliveriesPerSecond: Double? = nil, errorsPerSecond: Double? = nil, fanoutP99: Double? = nil, storeP99: Double? = nil,
        messagesTotal: Double? = nil
    ) {
        self.seconds = seconds
        self.connections = connections
        self.rooms = rooms
        self.eventQueueDepth = eventQueueDepth
        self.messagesPerSecond = messagesPerSecond
        self.deliveriesPerSecond = deliveriesPerSecond
        self.errorsPerSecond = errorsPerSecond
        self.fanoutP99 = fanoutP99
        self.storeP99 = storeP99
        self.messagesTotal = messagesTotal
    }

    /// The figures between `earlier` and `later`, two readings of one node. An earlier
    /// reading that is not earlier (a node that started again) counts as none.
    public init(from earlier: NodeMetricsReading?, to later: NodeMetricsReading) {
        let start = earlier.flatMap { $0.uptime < later.uptime ? $0 : nil }
        let seconds = later.uptime - (start?.uptime ?? 0)
        func rate(_ figure: KeyPath<NodeMetricsReading, Double?>) -> Double? {
            guard let now = later[keyPath: figure] else { return nil }
            return Self.rate(increase: Self.increase(from: start?[keyPath: figure], to: now), seconds: seconds)
        }
        func p99(_ figure: KeyPath<NodeMetricsReading, HistogramCounts?>) -> Double? {
            guard let counts = later[keyPath: figure] else { return nil }
            return counts.since(start?[keyPath: figure]).quantile(Self.quantile).flatMap { $0.isFinite ? $0 : nil }
        }
        self.init(
            seconds: max(0, seconds),
            connections: Self.whole(later.connections), rooms: Self.whole(later.rooms), eventQueueDepth: Self.whole(later.eventQueueDepth),
            messagesPerSecond: rate(\.messages), deliveriesPerSecond: rate(\.deliveries), errorsPerSecond: rate(\.errors),
            fanoutP99: p99(\.fanout), storeP99: p99(\.store), messagesTotal: later.messages)
    }

    /// How much a counter grew from `earlier` to `later`. A counter only grows, so one
    /// that went down was reset (its process started again) and counted `later` since;
    /// one that was not there yet counted from zero. Never negative.
    public static func increase(from earlier: Double?, to later: Double) -> Double {
        guard let earlier else { return max(0, later) }
        return later >= earlier ? later - earlier : max(0, later)
    }

    /// `increase` per second; nil for a window of no length.
    public static func rate(increase: Double, seconds: Double) -> Double? {
        guard seconds > 0, seconds.isFinite else { return nil }
        let rate = increase / seconds
        return rate.isFinite ? rate : nil
    }

    /// A gauge as a whole number (they count sockets, rooms, events).
    static func whole(_ value: Double?) -> Int? {
        guard let value, value.isFinite, abs(value) < 1e15 else { return nil }
        return Int(value.rounded())
    }
}
