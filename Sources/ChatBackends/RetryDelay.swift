/// How long to wait before retrying after `failures` consecutive failures: 100 ms,
/// doubling, at most 5 s (the event publisher, the event consumers).
enum RetryDelay {
    static func after(failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        return .milliseconds(min(5_000, 100 << min(failures - 1, 6)))
    }
}
