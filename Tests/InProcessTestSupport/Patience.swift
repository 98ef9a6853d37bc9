/// How long a test waits for something that should happen: a frame, a reply, a log line,
/// a state. The suites run on two cores, often beside a build or other test servers; a
/// first query to a freshly started MongoDB stand-in alone has taken over 10 s there.
/// Only a failing test ever waits this long, so the bound is generous; tests never
/// assert how long something took.
public enum Patience {
    /// Seconds to wait for what should come.
    public static let seconds: Double = 60
}

/// Evaluates `condition` until it holds, every `interval`, for at most `seconds`;
/// returns whether it held. The condition wait that replaces "sleep, then check": it
/// returns as soon as the state is there, and on a loaded machine it waits longer
/// instead of failing.
public func waitUntil(
    seconds: Double = Patience.seconds, every interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while true {
        if try await condition() { return true }
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: interval)
    }
}
