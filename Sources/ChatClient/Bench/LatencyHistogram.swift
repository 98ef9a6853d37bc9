/// Latencies in nanoseconds, HDR-style: exact below 256 ns, then 128 buckets per power
/// of two (at most 0.4 % error), so percentiles of millions of deliveries cost a few KB.
public struct LatencyHistogram: Sendable, Equatable {
    private var buckets: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var max: UInt64 = 0
    public private(set) var min: UInt64 = .max
    private var sum: Double = 0

    /// Values up to 2^40 ns (18 minutes); larger ones land in the last bucket.
    static let bucketCount = 256 + 32 * 128

    public init() { buckets = Array(repeating: 0, count: Self.bucketCount) }

    static func index(_ value: UInt64) -> Int {
        if value < 256 { return Int(value) }
        let msb = 63 - value.leadingZeroBitCount
        let shift = msb - 7
        let sub = Int(value >> UInt64(shift))  // 128...255
        return Swift.min(256 + (shift - 1) * 128 + (sub - 128), bucketCount - 1)
    }

    /// The middle of a bucket's range (its lower bound for the exact ones).
    static func value(at index: Int) -> UInt64 {
        if index < 256 { return UInt64(index) }
        let shift = (index - 256) / 128 + 1
        let sub = UInt64((index - 256) % 128 + 128)
        return (sub << UInt64(shift)) + (UInt64(1) << UInt64(shift)) / 2
    }

    public mutating func record(_ nanoseconds: UInt64) {
        buckets[Self.index(nanoseconds)] += 1
        count += 1
        sum += Double(nanoseconds)
        max = Swift.max(max, nanoseconds)
        min = Swift.min(min, nanoseconds)
    }

    public mutating func merge(_ other: LatencyHistogram) {
        for index in buckets.indices { buckets[index] += other.buckets[index] }
        count += other.count
        sum += other.sum
        max = Swift.max(max, other.max)
        min = Swift.min(min, other.min)
    }

    /// The value below which `percent` % of the recorded values fall (nearest rank);
    /// 0 when nothing was recorded. Never above the largest value recorded.
    public func percentile(_ percent: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((percent / 100 * Double(count)).rounded(.up)))
        if rank >= count { return max }
        var seen: UInt64 = 0
        for (index, n) in buckets.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return Swift.min(Swift.max(Self.value(at: index), min), max) }
        }
        return max
    }

    public var mean: Double { count == 0 ? 0 : sum / Double(count) }
}
