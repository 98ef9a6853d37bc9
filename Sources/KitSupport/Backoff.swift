/// How long to wait before trying again after failures in a row: 100 ms, doubling, at
/// most 5 s. No jitter: each server has a handful of clients, not a herd.
///
/// The one retry policy of the Kits' reconnects and of the retries built on them.
public enum Backoff {
    /// The wait after the first failure.
    public static let initial: Duration = .milliseconds(100)
    /// The longest wait.
    public static let cap: Duration = .seconds(5)

    /// The wait after `failures` failed attempts in a row: none before the first
    /// failure, then 100 ms, 200 ms, 400 ms, … doubling up to 5 s (the doubling stops at
    /// 6.4 s before the cap, so a long outage never overflows the shift).
    public static func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        let factor: Int = 1 << min(failures - 1, 6)
        return min(cap, initial * factor)
    }
}
