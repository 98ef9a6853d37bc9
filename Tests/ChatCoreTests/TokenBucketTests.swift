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

    @Test("a retuned bucket keeps its saved tokens up to the new burst, and refills at the new rate")
    func retuned() {
        let start: UInt64 = 1_000_000_000
        var bucket = TokenBucket(rate: 1000, burst: 1000)
        let first = bucket.allow(now: start)
        #expect(first)
        // Lowered: at most the new burst is left, and 0.001 a second refills nothing soon.
        var lowered = bucket.retuned(rate: 0.001, burst: 3)
        var burst: [Bool] = []
        for _ in 0..<4 { burst.append(lowered.allow(now: start + 1_000_000)) }
        #expect(burst == [true, true, true, false])
        let refilled = lowered.allow(now: start + 10_000_000_000)
        #expect(!refilled)
        // Raised: what was left carries over; the higher rate refills from there.
        var raised = lowered.retuned(rate: 10, burst: 50)
        let atOnce = raised.allow(now: start + 10_000_000_000)
        #expect(!atOnce)
        let afterATenth = raised.allow(now: start + 10_100_000_000)  // 0.1 s at 10 a second: one token
        #expect(afterATenth)
    }
}

