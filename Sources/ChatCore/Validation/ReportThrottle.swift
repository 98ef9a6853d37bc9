import Foundation

/// `limits.reports_per_hour`: how many messages one user may report, as a `TokenBucket`
/// per user (`reportsPerHour` at once, then one more every `3600 / reportsPerHour`
/// seconds). Every well-formed attempt takes a token, also one refused afterwards (an
/// unknown message, a room the reporter is not in, a second report of one message), so
/// guessing message ids costs the guesser its allowance.
///
/// State lives in this process, like the other abuse limits (each node counts on its
/// own); it is bounded by `maxTracked` users, forgetting first those whose bucket has
/// refilled (the same as a new one), then the stalest. Time comes in as monotonic
/// nanoseconds, so tests drive it.
public actor ReportThrottle {
    /// 0: no limit.
    public let reportsPerHour: Int
    private let clock: @Sendable () -> UInt64
    private let maxTracked: Int
    /// Each user's bucket and when it was last used (monotonic ns).
    private var buckets: [ObjectID: (bucket: TokenBucket, used: UInt64)] = [:]

    public init(reportsPerHour: Int, maxTracked: Int = 100_000, clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.reportsPerHour = max(0, reportsPerHour)
        self.maxTracked = max(1, maxTracked)
        self.clock = clock
    }

    /// Takes one of the user's tokens.
    /// - Throws: `ChatError.tooManyReports` (429, with the seconds until the next token)
    ///   when it has none left.
    public func admit(_ userID: ObjectID) throws(ChatError) {
        guard reportsPerHour > 0 else { return }
        let now = clock()
        var bucket = buckets[userID]?.bucket ?? TokenBucket(rate: Double(reportsPerHour) / 3600, burst: reportsPerHour)
        let allowed = bucket.allow(now: now)
        let wait = allowed ? 0 : bucket.nanosecondsUntilToken(now: now)
        buckets[userID] = (bucket: bucket, used: now)
        if buckets.count > maxTracked { forgetRefilled(now: now) }
        guard allowed else {
            let seconds = max(1, Int((wait + 999_999_999) / 1_000_000_000))
            throw .tooManyReports(perHour: reportsPerHour, retryAfterSeconds: seconds)
        }
    }

    /// Users currently tracked (for tests).
    public var trackedCount: Int { buckets.count }

    /// Drops the buckets unused for an hour (refilled: the same as new ones), then, if
    /// still too many, those used longest ago.
    private func forgetRefilled(now: UInt64) {
        let hour: UInt64 = 3_600_000_000_000
        buckets = buckets.filter { _, entry in now < entry.used || now - entry.used < hour }
        guard buckets.count > maxTracked else { return }
        let stalest = buckets.sorted { $0.value.used < $1.value.used }.prefix(buckets.count - maxTracked)
        for (userID, _) in stalest { buckets[userID] = nil }
    }
}
