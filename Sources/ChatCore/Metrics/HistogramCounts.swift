import Foundation

/// A Prometheus histogram's figures at one reading: its finite bucket bounds, the
/// cumulative count of observations at or below each, the count of all observations
/// (the `+Inf` bucket) and their sum.
///
/// Quantiles are estimated as Prometheus's `histogram_quantile` does: linearly within
/// the bucket the rank falls in.
public struct HistogramCounts: Sendable, Codable, Equatable {
    /// Upper bounds of the finite buckets, ascending.
    public var bounds: [Double]
    /// Observations at or below each bound (as many as `bounds`; never decreasing).
    public var cumulative: [Double]
    /// Every observation (the `+Inf` bucket).
    public var count: Double
    /// The sum of the observed values.
    public var sum: Double

    public init(bounds: [Double], cumulative: [Double], count: Double, sum: Double) {
        self.bounds = bounds
        self.cumulative = cumulative
        self.count = count
        self.sum = sum
    }

    /// The observations made since `earlier` (a reading of the same histogram): the
    /// difference of every count. When `earlier` is nil, or the counts went down or the
    /// buckets changed (the process restarted: its counts began again from zero), these
    /// counts themselves.
    public func since(_ earlier: HistogramCounts?) -> HistogramCounts {
        guard let earlier, earlier.bounds == bounds, earlier.cumulative.count == cumulative.count, earlier.count <= count,
            zip(earlier.cumulative, cumulative).allSatisfy({ $0 <= $1 })
        else { return self }
        return HistogramCounts(
            bounds: bounds, cumulative: zip(cumulative, earlier.cumulative).map { $0 - $1 }, count: count - earlier.count,
            sum: sum - earlier.sum)
    }

    /// The estimated `q`-quantile (0…1) of the observations; nil when there is none.
    ///
    /// The rank `q × count` falls in the first bucket whose cumulative count reaches it;
    /// the estimate lies between that bucket's lower and upper bound in proportion to the
    /// rank's place among its observations (the first bucket starts at 0). A rank in the
    /// `+Inf` bucket gives the highest finite bound, as Prometheus does.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0, q.isFinite, bounds.count == cumulative.count else { return nil }
        let rank = min(max(q, 0), 1) * count
        guard let index = cumulative.firstIndex(where: { $0 >= rank }) else { return bounds.last }
        let upper = bounds[index]
        let lower = index == 0 ? min(0, upper) : bounds[index - 1]
        let below = index == 0 ? 0 : cumulative[index - 1]
        let inBucket = cumulative[index] - below
        guard inBucket > 0 else { return upper }
        return lower + (upper - lower) * (rank - below) / inBucket
    }
}
