import ServiceLifecycle

/// Tells systemd about the process's life: `WATCHDOG=1` every half `WatchdogSec` while
/// running, `STOPPING=1` as soon as graceful shutdown begins. (`READY=1` is sent by the
/// runner once the servers accept connections.) Put it last in the service group so it
/// hears of the shutdown first.
public struct SystemdLifecycleService: Service {
    let notifier: SystemdNotifier

    public init(notifier: SystemdNotifier) { self.notifier = notifier }

    public func run() async throws {
        if let interval = notifier.watchdogInterval {
            let notifier = self.notifier
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    notifier.notify("WATCHDOG=1")  // dropped if systemd's queue is full; sent again next time
                    try? await Task.sleep(for: interval / 2)
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        await notifier.notify("STOPPING=1", retryingFor: .seconds(1))
    }
}
