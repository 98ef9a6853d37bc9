import ServiceLifecycle

/// The loop of a background service that does one thing every so often.
public enum Periodic {
    /// Runs `body` every `interval` (after the first wait) until the task is cancelled or
    /// a graceful shutdown begins; a shutdown cuts the wait short.
    public static func run(every interval: Duration, _ body: () async -> Void) async {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await body()
        }
    }
}
