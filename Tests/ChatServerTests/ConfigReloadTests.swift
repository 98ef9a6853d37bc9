import ChatRuntime
import ChatServer
import Foundation
import Logging
import Testing

/// What a reload changes (`ReloadPlan`) and when it refuses (`ConfigReloader`).
@Suite("configuration reload: plan and refusal")
struct ConfigReloadTests {
    /// The built-in settings with `values` set as a config file sets them.
    static func settings(_ values: [SettingKey: String]) -> Settings {
        var settings = Settings.builtIn
        for (setting, value) in values { settings.override(setting, value: value, source: .file, origin: "test.json") }
        return settings
    }

    @Test("the plan lists the changed settings in config show's order: live ones as applied, the others as needing a restart")
    func plan() {
        let old = Self.settings([.messageRateLimit: "20.0"])
        let new = Self.settings([.messageRateLimit: "5.0", .logLevel: "debug", .chatPort: "9000", .maxFrameBytes: "32768", .secretKey: "s3cret"])
        let plan = ReloadPlan(from: old, to: new)
        #expect(plan.applied.map(\.key) == ["log.level", "message_rate_limit"])
        #expect(plan.needsRestart.map(\.key) == ["secret_key", "chat.port", "websocket.max_frame_bytes"])
        #expect(!plan.isEmpty)
        #expect(ReloadPlan(from: new, to: new).isEmpty)
        // The same value from another layer is no change.
        #expect(ReloadPlan(from: Settings.builtIn, to: Self.settings([.messageRateLimit: "20.0"])).isEmpty)
    }

    @Test("every live server setting reaches the servers' ReloadableSettings; settings read only at start do not")
    func liveTable() {
        let serverValues: [SettingKey: String] = [
            .allowedOrigins: "https://chat.example.com", .messageRateLimit: "5.0", .messageRateBurst: "7", .outboundBufferFrames: "16",
            .resumeLimit: "10", .connectionsPerUser: "3", .roomsPerUser: "4", .loginFailuresPerUser: "9", .loginFailuresPerIP: "99",
            .loginWindowSeconds: "60",
        ]
        #expect(Set(serverValues.keys).union([SettingKey.logLevel]) == Set(ReloadPlan.live.keys))
        let base = Settings.builtIn.chatServer.reloadable
        for (setting, value) in serverValues {
            #expect(Self.settings([setting: value]).chatServer.reloadable != base, "\(setting.key)")
        }
        let startOnly: [SettingKey: String] = [.chatPort: "9000", .maxFrameBytes: "32768", .notifyPort: "9090", .tokenTTLSeconds: "600"]
        for (setting, value) in startOnly {
            #expect(!ReloadPlan.isLive(setting), "\(setting.key)")
            #expect(Self.settings([setting: value]).chatServer.reloadable == base, "\(setting.key)")
        }
    }

    /// A config file in a fresh folder, removed by the caller.
    static func configFile() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("config.json")
    }

    static func write(_ json: String, to file: URL) throws { try Data(json.utf8).write(to: file, options: .atomic) }

    static var quietLogger: Logger {
        var logger = Logger(label: "reload-test")
        logger.logLevel = .critical
        return logger
    }

    /// A reloader started from what `loader` reads now, and the live settings it publishes to.
    static func reloader(_ loader: SettingsLoader, adjusting adjust: (inout Settings) -> Void = { _ in }) async throws -> (ConfigReloader, LiveSettings) {
        var running = try await loader.load()
        try running.validate()
        adjust(&running)
        let live = LiveSettings(running.chatServer.reloadable)
        return (ConfigReloader(loader: loader, running: running, live: live, logger: Self.quietLogger), live)
    }

    @Test("a configuration that does not validate, does not type or does not parse is refused naming the key, and nothing changes")
    func refusal() async throws {
        let file = try Self.configFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Self.write(#"{"message_rate_limit": 10, "message_rate_burst": 10}"#, to: file)
        let (reloader, live) = try await Self.reloader(SettingsLoader(configFile: file.path, environment: [:]))

        try Self.write(#"{"message_rate_limit": 5, "message_rate_burst": 0}"#, to: file)
        await #expect(throws: ConfigReloadRefusal(key: "message_rate_burst", message: "must be at least 1")) {
            try await reloader.reload(trigger: "test")
        }
        try Self.write(#"{"message_rate_limit": "fast"}"#, to: file)
        let notANumber = await #expect(throws: ConfigReloadRefusal.self) { try await reloader.reload(trigger: "test") }
        #expect(notANumber?.key == "message_rate_limit")
        try Self.write("{ this is not JSON", to: file)
        let unreadable = await #expect(throws: ConfigReloadRefusal.self) { try await reloader.reload(trigger: "test") }
        #expect(unreadable?.key == "config")

        #expect(live.snapshot.generation == 0 && live.current.messageRateLimit == 10 && live.current.messageRateBurst == 10)
        #expect(await reloader.settings.messageRateLimit == 10)
    }

    @Test("a valid configuration: the live changes are applied and published once; what needs a restart keeps its start value and is reported at every reload")
    func applied() async throws {
        let file = try Self.configFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Self.write(#"{"message_rate_limit": 10}"#, to: file)
        let (reloader, live) = try await Self.reloader(SettingsLoader(configFile: file.path, environment: [:]))

        try Self.write(#"{"message_rate_limit": 5, "chat": {"port": 9000}}"#, to: file)
        #expect(try await reloader.reload(trigger: "test") == ConfigReloadReport(applied: ["message_rate_limit"], needsRestart: ["chat.port"]))
        #expect(live.snapshot.generation == 1 && live.current.messageRateLimit == 5)

        #expect(try await reloader.reload(trigger: "test") == ConfigReloadReport(applied: [], needsRestart: ["chat.port"]))
        #expect(live.snapshot.generation == 1, "nothing new to publish")
        #expect(await reloader.settings.chatPort == 8000)
        #expect(await reloader.settings.messageRateLimit == 5)
    }

    @Test("serve --dev's generated secret survives a reload that finds none: it is no change")
    func generatedSecretKept() async throws {
        let file = try Self.configFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Self.write("{}", to: file)
        let (reloader, _) = try await Self.reloader(SettingsLoader(configFile: file.path, environment: [:])) {
            $0.override(.secretKey, value: "generated-for-this-run", source: .generated, origin: "--dev")
        }
        #expect(try await reloader.reload(trigger: "test") == ConfigReloadReport(applied: [], needsRestart: []))
        #expect(await reloader.settings.secretKey == "generated-for-this-run")
    }
}
