/// The wait before reconnecting after `failures` failed attempts in a row:
/// 100 ms, doubling, at most 5 s.
enum RedisBackoff {
    static func delay(afterFailures failures: Int) -> Duration {
        .milliseconds(Swift.min(5_000, 100 << Swift.min(Swift.max(failures - 1, 0), 6)))
    }
}
