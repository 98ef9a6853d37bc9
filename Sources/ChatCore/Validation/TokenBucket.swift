/// A token bucket: `rate` tokens a second, at most `burst` saved up. Each allowed
/// action takes one token. Time comes in as monotonic nanoseconds, so tests drive it.
public struct TokenBucket: Sendable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var last: UInt64?

    /// - Parameters:
    ///   - rate: tokens per second (> 0).
    ///   - burst: the most that can be spent at once (≥ 1); the bucket starts full.
    public init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = Double(max(1, burst))
        self.tokens = self.burst
    }

    /// Takes a token if there is one at `now` (monotonic nanoseconds).
    public mutating func allow(now: UInt64) -> Bool {
        if let last, now > last {
            tokens = min(burst, tokens + Double(now - last) / 1e9 * rate)
        }
        last = max(last ?? now, now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Nanoseconds from `now` until a token is there (0 when one is), taking nothing.
    public func nanosecondsUntilToken(now: UInt64) -> UInt64 {
        var available = tokens
        if let last, now > last {
            available = min(burst, tokens + Double(now - last) / 1e9 * rate)
        }
        guard available < 1 else { return 0 }
        return UInt64(((1 - available) / rate * 1e9).rounded(.up))
    }

    /// The same bucket under another rate and burst (a configuration reload): the tokens
    /// saved up so far carry over, at most the new burst, so lowering a limit holds at once
    /// and raising one grants nothing until it refills.
    public func retuned(rate: Double, burst: Int) -> TokenBucket {
        var bucket = TokenBucket(rate: rate, burst: burst)
        bucket.tokens = min(tokens, bucket.burst)
        bucket.last = last
        return bucket
    }
}
