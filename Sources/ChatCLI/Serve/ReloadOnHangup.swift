import ChatRuntime
import ServiceLifecycle
import UnixSignals

/// SIGHUP re-reads the configuration (`ConfigReloader`), at every hang-up, until the
/// group shuts down. Its own signal source, apart from the `ServiceGroup`'s: the group
/// shuts down on any signal it traps, and a hang-up must never stop the process.
struct ReloadOnHangup: Service {
    private let hangups: UnixSignalsSequence
    let reloader: ConfigReloader

    /// Traps SIGHUP now, before the servers start, so that a hang-up while they start is
    /// a reload (handled once the group runs) and never the signal's default exit. Keep
    /// the value until the process ends: the trap lasts as long as it does.
    static func trapping(reloader: ConfigReloader) async -> ReloadOnHangup {
        ReloadOnHangup(hangups: await UnixSignalsSequence(trapping: .sighup), reloader: reloader)
    }

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            // Refused or not, the reloader has logged the outcome; the process runs on.
            _ = try? await reloader.reload(trigger: "SIGHUP")
        }
    }
}
