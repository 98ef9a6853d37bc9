/// What every receiver got: deliveries counted once per (receiver, sender, sequence),
/// duplicates and out-of-order deliveries apart, latencies in a histogram.
public struct DeliveryLedger: Sendable {
    /// Per receiver: the highest sequence seen from each sender.
    private var highest: [[Int: Int]]
    public private(set) var delivered: Int = 0
    /// A sequence at or below one already seen from that sender (a duplicate or a reorder).
    public private(set) var duplicateOrReordered: Int = 0
    public private(set) var latency = LatencyHistogram()
    /// Monotonic time of the last delivery counted.
    public private(set) var lastDeliveryNanos: UInt64 = 0

    public init(receivers: Int) {
        highest = Array(repeating: [:], count: receivers)
    }

    /// Records one marker received by `receiver` at `nowNanos`.
    public mutating func record(_ marker: BenchMarker, receiver: Int, nowNanos: UInt64) {
        if let seen = highest[receiver][marker.sender], marker.sequence <= seen {
            duplicateOrReordered += 1
            return
        }
        highest[receiver][marker.sender] = marker.sequence
        delivered += 1
        latency.record(nowNanos >= marker.sentNanos ? nowNanos - marker.sentNanos : 0)
        lastDeliveryNanos = Swift.max(lastDeliveryNanos, nowNanos)
    }
}
