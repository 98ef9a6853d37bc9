import Foundation

/// Counts failed logins per username and per client address over a sliding window.
///
/// Each failure makes the next answer for that username slower (`delay(afterFailures:)`),
/// and once a username or an address has `Policy` failures inside the window, further
/// attempts are refused with 429 before any password is checked, until the oldest
/// failure leaves the window. A successful login clears its username's failures (not
/// its address's: one address guessing many accounts stays counted).
///
/// State lives in this process (each node counts on its own); it is bounded by
/// `maxTracked` keys, forgetting the stalest first. Time comes in as monotonic
/// nanoseconds, so tests drive it.
public actor LoginThrottle {
    /// The limits: 0 turns a limit off.
    public struct Policy: Sendable, Equatable {
        public var failuresPerUser: Int
        public var failuresPerAddress: Int
        public var window: Duration

        public init(failuresPerUser: Int = 5, failuresPerAddress: Int = 50, window: Duration = .seconds(900)) {
            self.failuresPerUser = failuresPerUser
            self.failuresPerAddress = failuresPerAddress
            self.window = window
        }

        /// No limits at all.
        public static let off = Policy(failuresPerUser: 0, failuresPerAddress: 0)
    }

    /// The limits in force now.
    public var policy: Policy { currentPolicy() }
    private let currentPolicy: @Sendable () -> Policy
    private let clock: @Sendable () -> UInt64
    private let maxTracked: Int
    /// Failure times (monotonic ns), oldest first, per key ("u:" username, "a:" address).
    private var failures: [String: [UInt64]] = [:]

    public init(policy: Policy, maxTracked: Int = 100_000, clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.currentPolicy = { policy }
        self.maxTracked = max(1, maxTracked)
        self.clock = clock
    }

    /// A throttle whose limits may change while it runs (a configuration reload):
    /// `currentPolicy` is asked at every login. The failures counted so far stay counted
    /// under the new limits.
    public init(
        currentPolicy: @escaping @Sendable () -> Policy, maxTracked: Int = 100_000,
        clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }
    ) {
        self.currentPolicy = currentPolicy
        self.maxTracked = max(1, maxTracked)
        self.clock = clock
    }

    private var windowNanoseconds: UInt64 {
        let (seconds, attoseconds) = policy.window.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Throws `ChatError` (429, with the seconds to wait) when the username or the address
    /// has used up its failures; otherwise returns.
    public func admit(username: String, address: String?) throws(ChatError) {
        let now = clock()
        let policy = self.policy
        var waits: [UInt64] = []
        if policy.failuresPerUser > 0, let wait = wait(for: "u:" + username, limit: policy.failuresPerUser, now: now) { waits.append(wait) }
        if policy.failuresPerAddress > 0, let address, let wait = wait(for: "a:" + address, limit: policy.failuresPerAddress, now: now) {
            waits.append(wait)
        }
        guard let longest = waits.max() else { return }
        let seconds = Int((longest + 999_999_999) / 1_000_000_000)
        throw .tooMany("too many failed logins; try again in \(seconds) s", retryAfterSeconds: seconds)
    }

    /// Records a failed login; returns how long to hold the answer (grows with the
    /// username's failures: 0, then 250 ms per earlier failure, at most 2 s).
    public func recordFailure(username: String, address: String?) -> Duration {
        let now = clock()
        let count = record("u:" + username, now: now)
        if let address { _ = record("a:" + address, now: now) }
        return Self.delay(afterFailures: count)
    }

    /// A successful login forgets its username's failures.
    public func recordSuccess(username: String) {
        failures["u:" + username] = nil
    }

    /// The pause before answering the `count`-th failure in a row.
    public static func delay(afterFailures count: Int) -> Duration {
        .milliseconds(min(2000, 250 * max(0, count - 1)))
    }

    /// Keys currently tracked (for tests and metrics).
    public var trackedCount: Int { failures.count }

    /// Nanoseconds until `key` may try again, or nil when it may now.
    private func wait(for key: String, limit: Int, now: UInt64) -> UInt64? {
        guard var times = failures[key] else { return nil }
        prune(&times, now: now)
        failures[key] = times.isEmpty ? nil : times
        guard times.count >= limit else { return nil }
        // The failure whose expiry brings the count under the limit.
        let releasing = times[times.count - limit]
        return releasing + windowNanoseconds - now
    }

    private func record(_ key: String, now: UInt64) -> Int {
        var times = failures[key] ?? []
        prune(&times, now: now)
        times.append(now)
        // Only the newest few matter for any limit; keep memory per key bounded.
        let policy = self.policy
        let keep = max(policy.failuresPerUser, policy.failuresPerAddress, 16)
        if times.count > keep { times.removeFirst(times.count - keep) }
        failures[key] = times
        if failures.count > maxTracked { forgetStalest(now: now) }
        return times.count
    }

    private func prune(_ times: inout [UInt64], now: UInt64) {
        let window = windowNanoseconds
        while let first = times.first, now >= first, now - first >= window { times.removeFirst() }
    }

    /// Drops expired keys, then (if still too many) those whose last failure is oldest.
    private func forgetStalest(now: UInt64) {
        failures = failures.filter { _, times in
            guard let last = times.last else { return false }
            return now < last || now - last < windowNanoseconds
        }
        guard failures.count > maxTracked else { return }
        let stalest = failures.sorted { ($0.value.last ?? 0) < ($1.value.last ?? 0) }.prefix(failures.count - maxTracked)
        for (key, _) in stalest { failures[key] = nil }
    }
}
