/// Reconnect delays: 100 ms doubling to 5 s (no jitter needed for a handful of clients).
enum AMQPBackoff {
    static func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        return .milliseconds(min(5_000, 100 << min(failures - 1, 6)))
    }
}
