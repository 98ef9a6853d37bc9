import ChatCore
import Testing

@Suite("token bucket")
struct TokenBucketTests {
    @Test("a full bucket allows the burst, then one token per 1/rate seconds; idle time refills up to the burst only")
    func refill() {
        var bucket = TokenBucket(rate: 2, burst: 3)
        let start: UInt64 = 1_000_000_000
        func take(_ count: Int, at now: UInt64) -> [Bool] { (0..<count).map { _ in bucket.allow(now: now) } }
        #expect(take(4, at: start) == [true, true, true, false])
        #expect(take(1, at: start + 400_000_000) == [false])  // 0.8 token
        #expect(take(2, at: start + 500_000_000) == [true, false])  // 1 token after 0.5 s
        // A long idle time refills to the burst, not beyond.
        let later = start + 60_000_000_000
        #expect(take(4, at: later) == [true, true, true, false])
        // A clock that goes backwards adds nothing.
        #expect(take(1, at: start) == [false])
    }
}
