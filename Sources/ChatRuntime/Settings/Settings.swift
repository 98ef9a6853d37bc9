import ChatCore
import ChatServer
import Foundation
import Logging

/// The effective configuration: every setting resolved, typed accessors on top.
public struct Settings: Sendable {
    /// Every setting by key, with where its value came from.
    public internal(set) var resolved: [String: ResolvedSetting]
    /// The config file that was read, if any.
    public let configFile: String?

    init(resolved: [String: ResolvedSetting], configFile: String?) {
        self.resolved = resolved
        self.configFile = configFile
    }

    public func string(_ setting: SettingKey) -> String? { resolved[setting.key]?.value }

    public func int(_ setting: SettingKey) -> Int? { string(setting).flatMap { Int($0) } }

    public func bool(_ setting: SettingKey) -> Bool? { string(setting).flatMap { Bool($0.lowercased()) } }

    // A setting with a built-in default always has a value: the loader layers
    // `SettingKey`'s defaults under every other source, and these fall back to the same
    // default (for a `Settings` made without the loader). No default is written here.

    /// The value of a setting that has a built-in default.
    func text(_ setting: SettingKey) -> String {
        guard let value = string(setting) ?? setting.defaultText else { preconditionFailure("\(setting.key) has no built-in default") }
        return value
    }

    func integer(_ setting: SettingKey) -> Int { Int(text(setting)) ?? Int(setting.defaultText ?? "") ?? 0 }

    func number(_ setting: SettingKey) -> Double { Double(text(setting)) ?? Double(setting.defaultText ?? "") ?? 0 }

    func boolean(_ setting: SettingKey) -> Bool { Bool(text(setting).lowercased()) ?? Bool(setting.defaultText ?? "") ?? false }

    /// A setting with named values, parsed by `parse` (case-insensitive); a value
    /// `validate()` would refuse reads as the built-in default.
    func choice<T>(_ setting: SettingKey, _ parse: (String) -> T?) -> T {
        if let value = parse(text(setting).lowercased()) { return value }
        guard let value = setting.defaultText.flatMap(parse) else { preconditionFailure("\(setting.key)'s default does not parse") }
        return value
    }

    /// Throws naming `setting` when its value is set and `parse` refuses it.
    private func requireChoice<T>(_ setting: SettingKey, _ parse: (String) -> T?) throws {
        guard let value = string(setting), parse(value) == nil else { return }
        throw SettingsError(key: setting.key, message: "'\(value)' (from \(origin(of: setting))) is not one of \((setting.choices ?? []).joined(separator: ", "))")
    }

    /// The built-in defaults alone, as a run with no flag, variable or file sees them.
    public static var builtIn: Settings {
        var resolved: [String: ResolvedSetting] = [:]
        for setting in SettingKey.all {
            resolved[setting.key] = ResolvedSetting(
                setting: setting, value: setting.defaultText, source: setting.defaultText == nil ? nil : .default,
                origin: setting.defaultText == nil ? nil : "built-in")
        }
        return Settings(resolved: resolved, configFile: nil)
    }

    /// Replaces a value (for `--dev`'s generated secret), recording the source.
    public mutating func override(_ setting: SettingKey, value: String, source: SettingSource, origin: String) {
        resolved[setting.key] = ResolvedSetting(setting: setting, value: value, source: source, origin: origin)
    }

    public var secretKey: String? { string(.secretKey) }
    public var chatHost: String { text(.chatHost) }
    public var chatPort: Int { integer(.chatPort) }
    public var notifyHost: String { text(.notifyHost) }
    public var notifyPort: Int { integer(.notifyPort) }
    /// `chat.web_client`: the chat service serves the browser client at `/`.
    public var webClientEnabled: Bool { boolean(.webClient) }
    /// `notify.public_url` (nil when empty: the web client uses its own host and `notify.port`).
    public var notifyPublicURL: String? { string(.notifyPublicURL).flatMap { $0.isEmpty ? nil : $0 } }
    public var schedulerHost: String { text(.schedulerHost) }
    public var schedulerPort: Int { integer(.schedulerPort) }
    public var archiveEvery: Duration { duration(.archiveEvery) }
    public var archiveOlderThan: String { text(.archiveOlderThan) }
    public var archiveBatchSize: Int { integer(.archiveBatchSize) }
    public var reportEvery: Duration { duration(.reportEvery) }
    /// `retention.default`: how long archived messages are kept (`none`: forever); a value
    /// `validate()` would refuse reads as the built-in default.
    public var retentionDefault: Retention {
        (try? Retention.parse(text(.retentionDefault), field: SettingKey.retentionDefault.key))
            ?? (try? Retention.parse(SettingKey.retentionDefault.defaultText ?? "", field: SettingKey.retentionDefault.key)) ?? .forever
    }
    /// The data lifecycle's defaults: `scheduler.archive_older_than` and `retention.default`
    /// (rooms with their own values override them: `rooms set --archive-after/--retention`).
    public var lifecycleDefaults: LifecyclePolicy {
        LifecyclePolicy(archiveAfterSeconds: max(1, Int(archiveOlderThanDuration.components.seconds)), retention: retentionDefault)
    }
    /// `scheduler.archive_older_than` as a duration.
    var archiveOlderThanDuration: Duration { duration(.archiveOlderThan) }

    /// A duration setting (`90m`, `12h`, `1d`…), validated by `validate()`.
    func duration(_ setting: SettingKey) -> Duration {
        let seconds = (try? AgeCutoff.duration(text(setting), field: setting.key)) ?? (try? AgeCutoff.duration(setting.defaultText ?? "", field: setting.key)) ?? 0
        return .milliseconds(Int64(seconds * 1000))
    }
    public var dataDirectory: String { text(.dataDir) }
    /// The embedded store's file.
    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("chatctl.sqlite") }
    public var mongoURI: String? { string(.mongoURI) }
    public var mongoDatabase: String { text(.mongoDatabase) }
    public var redisURI: String? { string(.redisURI) }
    public var rabbitMQURL: String? { string(.rabbitMQURL) }
    public var rabbitMQQueue: String { text(.rabbitMQQueue) }
    /// `cache.verify_history`; auto means on with MongoDB (the only store the Go chat
    /// service can write, so the only one where the cache can miss a message) and off on SQLite.
    public var verifyCachedHistory: Bool {
        choice(.cacheVerifyHistory) { AutoSwitch(settingValue: $0) }.resolved(auto: mongoURI != nil)
    }
    /// `rabbitmq.queue_durable` (auto unless set to true or false).
    public var rabbitMQQueueDurability: QueueDurability {
        choice(.rabbitMQQueueDurable) { QueueDurability(settingValue: $0) }
    }
    /// Where a setting's value came from, for messages: `--flag`, a variable, a file, `built-in`.
    public func origin(of setting: SettingKey) -> String { resolved[setting.key]?.origin ?? "built-in" }
    public var rabbitMQBufferEvents: Int { integer(.rabbitMQBufferEvents) }
    public var maxFrameBytes: Int { integer(.maxFrameBytes) }
    public var outboundBufferFrames: Int { integer(.outboundBufferFrames) }
    public var messageRateLimit: Double { number(.messageRateLimit) }
    public var messageRateBurst: Int { integer(.messageRateBurst) }
    /// `websocket.allowed_origins` as a list (empty: any origin).
    public var allowedOrigins: [String] {
        text(.allowedOrigins).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
    public var resumeLimit: Int { integer(.resumeLimit) }
    public var connectionsPerUser: Int { integer(.connectionsPerUser) }
    public var roomsPerUser: Int { integer(.roomsPerUser) }
    /// `limits.reports_per_hour` (0: no limit).
    public var reportsPerHour: Int { integer(.reportsPerHour) }
    /// `login.*` as the login limiter's policy.
    public var loginPolicy: LoginThrottle.Policy {
        LoginThrottle.Policy(
            failuresPerUser: integer(.loginFailuresPerUser), failuresPerAddress: integer(.loginFailuresPerIP),
            window: .seconds(integer(.loginWindowSeconds)))
    }
    /// The chat service's knobs, decoded once from these settings.
    public var chatServer: ChatServerSettings {
        ChatServerSettings(
            host: chatHost, port: chatPort, maxFrameBytes: maxFrameBytes, outboundBufferFrames: outboundBufferFrames,
            allowedOrigins: allowedOrigins, messageRateLimit: messageRateLimit, messageRateBurst: messageRateBurst,
            resumeLimit: resumeLimit, connectionsPerUser: connectionsPerUser, roomsPerUser: roomsPerUser, reportsPerHour: reportsPerHour,
            loginPolicy: loginPolicy,
            webClient: webClientEnabled ? WebClientSettings(notifyURL: notifyPublicURL, notifyPort: notifyPort) : nil)
    }

    /// The notification service's knobs: the chat service's, at its own address (it
    /// takes no posts and no logins, so those limits do not apply to it; the web client
    /// is the chat service's).
    public var notifyServer: ChatServerSettings {
        var server = chatServer
        server.host = notifyHost
        server.port = notifyPort
        server.webClient = nil
        return server
    }

    public var tokenLifetime: Duration { .seconds(integer(.tokenTTLSeconds)) }

    /// `admin.host`: where each serving process's operator API listens.
    public var adminHost: String { text(.adminHost) }
    /// `admin.port` (0: a free port, registered in the node registry).
    public var adminPort: Int { integer(.adminPort) }

    public var logFormat: LogFormat { choice(.logFormat) { LogFormat(rawValue: $0) } }
    public var shutdownTimeout: Duration { .seconds(integer(.shutdownTimeoutSeconds)) }

    public var logLevel: Logger.Level {
        choice(.logLevel) { Logger.Level(rawValue: $0) }
    }

    /// Checks ranges and formats; throws `SettingsError` naming the first bad key.
    public func validate() throws {
        func origin(_ s: SettingKey) -> String { resolved[s.key]?.origin ?? s.key }
        if !(1...65535).contains(chatPort) && chatPort != 0 {
            throw SettingsError(key: SettingKey.chatPort.key, message: "\(chatPort) (from \(origin(.chatPort))) is not a port number")
        }
        if !(1...65535).contains(notifyPort) && notifyPort != 0 {
            throw SettingsError(key: SettingKey.notifyPort.key, message: "\(notifyPort) (from \(origin(.notifyPort))) is not a port number")
        }
        if !(0...65535).contains(adminPort) {
            throw SettingsError(key: SettingKey.adminPort.key, message: "\(adminPort) (from \(origin(.adminPort))) is not a port number (0: a free one)")
        }
        if adminHost.trimmingCharacters(in: .whitespaces).isEmpty {
            throw SettingsError(key: SettingKey.adminHost.key, message: "must not be empty (127.0.0.1 keeps the operator API on this host)")
        }
        for setting in [SettingKey.archiveEvery, .archiveOlderThan, .reportEvery] {
            if let text = string(setting) {
                do { _ = try AgeCutoff.duration(text, field: setting.key) } catch let error as ChatError {
                    throw SettingsError(key: setting.key, message: "\(error.message) (from \(origin(setting)))")
                }
            }
        }
        if let text = string(.retentionDefault) {
            do throws(ChatError) {
                _ = try Retention.parse(text, field: SettingKey.retentionDefault.key)
            } catch {
                throw SettingsError(key: SettingKey.retentionDefault.key, message: "\(error.message) (from \(origin(.retentionDefault)))")
            }
        }
        if !(1...10_000).contains(archiveBatchSize) {
            throw SettingsError(key: SettingKey.archiveBatchSize.key, message: "must be between 1 and 10000")
        }
        if let level = string(.logLevel), Logger.Level(rawValue: level.lowercased()) == nil {
            throw SettingsError(key: SettingKey.logLevel.key, message: "'\(level)' (from \(origin(.logLevel))) is not one of trace, debug, info, notice, warning, error, critical")
        }
        try requireChoice(.cacheVerifyHistory) { AutoSwitch(settingValue: $0) }
        if let format = string(.logFormat), LogFormat(rawValue: format.lowercased()) == nil {
            throw SettingsError(key: SettingKey.logFormat.key, message: "'\(format)' (from \(origin(.logFormat))) is not one of logfmt, json")
        }
        try requireChoice(.rabbitMQQueueDurable) { QueueDurability(settingValue: $0) }
        if let timeout = int(.shutdownTimeoutSeconds), !(1...3600).contains(timeout) {
            throw SettingsError(key: SettingKey.shutdownTimeoutSeconds.key, message: "must be between 1 and 3600 seconds")
        }
        if !(1024...(16 * 1024 * 1024)).contains(maxFrameBytes) {
            throw SettingsError(key: SettingKey.maxFrameBytes.key, message: "must be between 1024 and 16777216")
        }
        if rabbitMQBufferEvents < 1 {
            throw SettingsError(key: SettingKey.rabbitMQBufferEvents.key, message: "must be at least 1")
        }
        if rabbitMQQueue.isEmpty {
            throw SettingsError(key: SettingKey.rabbitMQQueue.key, message: "must not be empty")
        }
        if outboundBufferFrames < 1 {
            throw SettingsError(key: SettingKey.outboundBufferFrames.key, message: "must be at least 1")
        }
        for origin in allowedOrigins where !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) || origin.dropFirst(8).contains("/") {
            throw SettingsError(
                key: SettingKey.allowedOrigins.key,
                message: "'\(origin)' is not an origin: scheme://host[:port], no path (e.g. https://chat.example.com)")
        }
        if let url = notifyPublicURL, !(url.hasPrefix("ws://") || url.hasPrefix("wss://")) || url.contains(where: { $0.isWhitespace }) {
            throw SettingsError(
                key: SettingKey.notifyPublicURL.key,
                message: "'\(url)' (from \(origin(.notifyPublicURL))) is not a WebSocket address: ws:// or wss://host[:port][/path]")
        }
        if !(messageRateLimit >= 0) || !messageRateLimit.isFinite {
            throw SettingsError(key: SettingKey.messageRateLimit.key, message: "must be 0 (no limit) or a positive number of messages a second")
        }
        if messageRateBurst < 1 {
            throw SettingsError(key: SettingKey.messageRateBurst.key, message: "must be at least 1")
        }
        if !(1...100_000).contains(resumeLimit) {
            throw SettingsError(key: SettingKey.resumeLimit.key, message: "must be between 1 and 100000")
        }
        for key in [SettingKey.connectionsPerUser, .roomsPerUser, .reportsPerHour, .loginFailuresPerUser, .loginFailuresPerIP] where (int(key) ?? 0) < 0 {
            throw SettingsError(key: key.key, message: "must be 0 (no limit) or more")
        }
        if let window = int(.loginWindowSeconds), !(1...86_400).contains(window) {
            throw SettingsError(key: SettingKey.loginWindowSeconds.key, message: "must be between 1 and 86400 seconds")
        }
        if let ttl = int(.tokenTTLSeconds), ttl < 60 {
            throw SettingsError(key: SettingKey.tokenTTLSeconds.key, message: "must be at least 60 seconds")
        }
    }
}
