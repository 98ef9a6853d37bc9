import Foundation
import KitSupport
import Testing

@Suite("KitSupport: the one backoff and the C timeouts")
struct BackoffTests {
    @Test("100 ms, doubling, at most 5 s; no wait before the first failure")
    func delays() {
        let delays = (0...9).map { Backoff.delay(afterFailures: $0) }
        let expected: [Duration] = [
            .zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1_600), .milliseconds(3_200),
            .seconds(5), .seconds(5), .seconds(5),
        ]
        #expect(delays == expected)
        #expect(Backoff.delay(afterFailures: 1) == Backoff.initial)
        #expect(Backoff.delay(afterFailures: 1_000) == Backoff.cap)
        #expect(Backoff.delay(afterFailures: .max) == .seconds(5))
        #expect(Backoff.delay(afterFailures: -1) == .zero)
    }

    @Test("a Duration as a C timeval: whole microseconds, rounded down")
    func timeValue() {
        let oneAndAHalf = Duration.milliseconds(1_500).timeValue
        #expect(oneAndAHalf.tv_sec == 1 && oneAndAHalf.tv_usec == 500_000)
        let tiny = Duration.nanoseconds(1_999).timeValue
        #expect(tiny.tv_sec == 0 && tiny.tv_usec == 1)
        let zero = Duration.zero.timeValue
        #expect(zero.tv_sec == 0 && zero.tv_usec == 0)
    }
}
