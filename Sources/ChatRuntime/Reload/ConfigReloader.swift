import ChatServer
import Logging

/// Re-reads a serving process's configuration and applies what can change while it runs
/// (on SIGHUP, and for the operator API's `POST /admin/config/reload`).
///
/// The configuration is read through the same layers as at start — the flags given at
/// start, the environment as it was at start (`loader` keeps both) and the config file
/// read again — and validated whole. A configuration that does not load or validate is
/// refused: an error is logged naming the setting at fault and nothing changes. Otherwise
/// `ReloadPlan` splits the changed settings: the live ones are applied (the log level,
/// and the servers' `ReloadableSettings` published to their `LiveSettings`), the others
/// are logged as needing a restart and keep their start values. Each reload compares what
/// it read with the configuration in force when its read is done, and applies its changes
/// at once (an actor: two reloads never apply at the same time).
public actor ConfigReloader: ConfigReloading {
    private let loader: SettingsLoader
    /// What the process runs on: the start configuration with the live changes applied.
    private var running: Settings
    private let live: LiveSettings
    private let logger: Logger

    /// - Parameters:
    ///   - loader: how the process read its configuration at start.
    ///   - running: what it read (and generated: `--dev`'s secret).
    ///   - live: where its servers read the reloadable settings.
    public init(loader: SettingsLoader, running: Settings, live: LiveSettings, logger: Logger) {
        self.loader = loader
        self.running = running
        self.live = live
        self.logger = logger
    }

    /// The configuration the process runs on now.
    public var settings: Settings { running }

    public func reload(trigger: String) async throws(ConfigReloadRefusal) -> ConfigReloadReport {
        let loaded: Settings
        do {
            loaded = try await loader.load().keepingGenerated(from: running)
            try loaded.validate()
        } catch let error as SettingsError {
            throw refuse(ConfigReloadRefusal(key: error.key, message: error.message), trigger: trigger)
        } catch {
            throw refuse(ConfigReloadRefusal(key: "config", message: "\(error)"), trigger: trigger)
        }
        let plan = ReloadPlan(from: running, to: loaded)
        let previous = running
        running = running.adopting(plan.applied, from: loaded)
        if running.logLevel != previous.logLevel { ProcessLogLevel.shared.set(running.logLevel) }
        let servers = running.chatServer.reloadable
        if servers != previous.chatServer.reloadable { live.publish(servers) }
        report(plan, old: previous, new: loaded, trigger: trigger)
        return ConfigReloadReport(applied: plan.applied.map(\.key), needsRestart: plan.needsRestart.map(\.key))
    }

    /// Logs a refusal; returns it to be thrown.
    private func refuse(_ refusal: ConfigReloadRefusal, trigger: String) -> ConfigReloadRefusal {
        logger.error("configuration reload refused: the configuration in force is kept", metadata: [
            "key": "\(refusal.key)", "error": "\(refusal.message)", "trigger": "\(trigger)",
        ])
        return refusal
    }

    /// One line per changed setting (secrets redacted), then the summary.
    private func report(_ plan: ReloadPlan, old: Settings, new: Settings, trigger: String) {
        guard !plan.isEmpty else {
            logger.notice("configuration reloaded: nothing changed", metadata: ["trigger": "\(trigger)"])
            return
        }
        func change(_ setting: SettingKey) -> Logger.Metadata {
            [
                "key": "\(setting.key)", "from": "\(Self.display(setting, in: old))", "to": "\(Self.display(setting, in: new))",
                "source": "\(new.origin(of: setting))",
            ]
        }
        for setting in plan.applied { logger.info("setting applied", metadata: change(setting)) }
        for setting in plan.needsRestart { logger.warning("setting changed; it takes effect at the next restart", metadata: change(setting)) }
        func list(_ keys: [SettingKey]) -> String { keys.isEmpty ? "none" : keys.map(\.key).joined(separator: ",") }
        logger.notice("configuration reloaded", metadata: [
            "applied": "\(list(plan.applied))", "needs_restart": "\(list(plan.needsRestart))", "trigger": "\(trigger)",
        ])
    }

    /// A setting's value as `config show` prints it (secrets redacted).
    private static func display(_ setting: SettingKey, in settings: Settings) -> String {
        settings.resolved[setting.key]?.displayValue ?? "(unset)"
    }
}
