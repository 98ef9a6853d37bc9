import ChatCore
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(1_000_000_000)
    var now: UInt64 { nanoseconds.withLock { $0 } }
    func advance(seconds: Double) { nanoseconds.withLock { $0 += UInt64(seconds * 1e9) } }
}

@Suite("login throttle")
struct LoginThrottleTests {
    func expectRefused(_ throttle: LoginThrottle, username: String, address: String?) async -> ChatError? {
        do {
            try await throttle.admit(username: username, address: address)
            return nil
        } catch {
            return error
        }
    }

    @Test("a username is refused with 429 after its failures fill the window, and admitted again once the oldest leaves it")
    func perUsername() async throws {
        let clock = ManualClock()
        let throttle = LoginThrottle(policy: .init(failuresPerUser: 3, failuresPerAddress: 0, window: .seconds(60)), clock: { clock.now })
        for _ in 0..<3 {
            #expect(await expectRefused(throttle, username: "ann", address: "10.0.0.1") == nil)
            _ = await throttle.recordFailure(username: "ann", address: "10.0.0.1")
            clock.advance(seconds: 10)
        }
        let refused = try #require(await expectRefused(throttle, username: "ann", address: "10.0.0.9"))
        #expect(refused.kind == .tooManyRequests)
        // Failures at t=0,10,20; now t=30: the first leaves the window at t=60.
        #expect(refused.retryAfterSeconds == 30)
        #expect(refused.message == "too many failed logins; try again in 30 s")
        #expect(await expectRefused(throttle, username: "bea", address: "10.0.0.1") == nil)
        clock.advance(seconds: 30)
        #expect(await expectRefused(throttle, username: "ann", address: "10.0.0.1") == nil)
    }

    @Test("an address guessing many usernames is refused; a success clears only its username")
    func perAddress() async throws {
        let clock = ManualClock()
        let throttle = LoginThrottle(policy: .init(failuresPerUser: 2, failuresPerAddress: 4, window: .seconds(60)), clock: { clock.now })
        for name in ["a1", "a2", "a3", "a4"] { _ = await throttle.recordFailure(username: name, address: "10.9.9.9") }
        #expect(await expectRefused(throttle, username: "fresh", address: "10.9.9.9")?.kind == .tooManyRequests)
        #expect(await expectRefused(throttle, username: "fresh", address: "10.1.1.1") == nil)
        _ = await throttle.recordFailure(username: "cy", address: "10.2.2.2")
        _ = await throttle.recordFailure(username: "cy", address: "10.2.2.3")
        #expect(await expectRefused(throttle, username: "cy", address: "10.2.2.4") != nil)
        await throttle.recordSuccess(username: "cy")
        #expect(await expectRefused(throttle, username: "cy", address: "10.2.2.4") == nil)
    }

    @Test("each failure slows the next answer: 0, 250 ms, 500 ms … at most 2 s")
    func slowdown() async throws {
        #expect(LoginThrottle.delay(afterFailures: 1) == .zero)
        #expect(LoginThrottle.delay(afterFailures: 2) == .milliseconds(250))
        #expect(LoginThrottle.delay(afterFailures: 5) == .milliseconds(1000))
        #expect(LoginThrottle.delay(afterFailures: 50) == .milliseconds(2000))
        let throttle = LoginThrottle(policy: .off)
        #expect(await throttle.recordFailure(username: "x", address: nil) == .zero)
        #expect(await throttle.recordFailure(username: "x", address: nil) == .milliseconds(250))
    }

    @Test("limits of 0 never refuse; tracked keys stay bounded")
    func offAndBounded() async throws {
        let clock = ManualClock()
        let throttle = LoginThrottle(policy: .off, maxTracked: 10, clock: { clock.now })
        for index in 0..<50 {
            _ = await throttle.recordFailure(username: "u\(index)", address: "a\(index)")
            clock.advance(seconds: 0.001)
        }
        #expect(await expectRefused(throttle, username: "u49", address: "a49") == nil)
        #expect(await throttle.trackedCount <= 10)
    }
}
