import ChatCore
import Foundation
import Logging

/// The effective configuration: every setting resolved, typed accessors on top.
public struct Settings: Sendable {
    /// Every setting by key, with where its value came from.
    public private(set) var resolved: [String: ResolvedSetting]
    /// The config file that was read, if any.
    public let configFile: String?

    init(resolved: [String: ResolvedSetting], configFile: String?) {
        self.resolved = resolved
        self.configFile = configFile
    }

    public func string(_ setting: SettingKey) -> String? { resolved[setting.key]?.value }

    public func int(_ setting: SettingKey) -> Int? { string(setting).flatMap { Int($0) } }

    public func bool(_ setting: SettingKey) -> Bool? { string(setting).flatMap { Bool($0.lowercased()) } }

    /// Replaces a value (for `--dev`'s generated secret), recording the source.
    public mutating func override(_ setting: SettingKey, value: String, source: SettingSource, origin: String) {
        resolved[setting.key] = ResolvedSetting(setting: setting, value: value, source: source, origin: origin)
    }

    public var secretKey: String? { string(.secretKey) }
    public var chatHost: String { string(.chatHost) ?? "0.0.0.0" }
    public var chatPort: Int { int(.chatPort) ?? 8000 }
    public var notifyHost: String { string(.notifyHost) ?? "0.0.0.0" }
    public var notifyPort: Int { int(.notifyPort) ?? 8080 }
    public var schedulerHost: String { string(.schedulerHost) ?? "0.0.0.0" }
    public var schedulerPort: Int { int(.schedulerPort) ?? 8090 }
    public var archiveEvery: Duration { duration(.archiveEvery) ?? .seconds(60) }
    public var archiveOlderThan: String { string(.archiveOlderThan) ?? "30d" }
    public var archiveBatchSize: Int { int(.archiveBatchSize) ?? 1000 }
    public var reportEvery: Duration { duration(.reportEvery) ?? .seconds(3600) }

    func duration(_ setting: SettingKey) -> Duration? {
        string(setting).flatMap { try? AgeCutoff.duration($0, field: setting.key) }.map { .milliseconds(Int64($0 * 1000)) }
    }
    public var dataDirectory: String { string(.dataDir) ?? "data" }
    /// The embedded store's file.
    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("chatctl.sqlite") }
    public var mongoURI: String? { string(.mongoURI) }
    public var redisURI: String? { string(.redisURI) }
    public var rabbitMQURL: String? { string(.rabbitMQURL) }
    public var rabbitMQQueue: String { string(.rabbitMQQueue) ?? "send_notification" }
    /// `cache.verify_history`; auto means on with MongoDB (the only store the Go chat
    /// service can write, so the only one where the cache can miss a message) and off on SQLite.
    public var verifyCachedHistory: Bool {
        switch string(.cacheVerifyHistory)?.lowercased() {
        case "true": true
        case "false": false
        default: mongoURI != nil
        }
    }
    /// `rabbitmq.queue_durable` (auto unless set to true or false).
    public var rabbitMQQueueDurability: QueueDurability {
        string(.rabbitMQQueueDurable).flatMap { QueueDurability(settingValue: $0) } ?? .auto
    }
    /// Where a setting's value came from, for messages: `--flag`, a variable, a file, `built-in`.
    public func origin(of setting: SettingKey) -> String { resolved[setting.key]?.origin ?? "built-in" }
    public var rabbitMQBufferEvents: Int { int(.rabbitMQBufferEvents) ?? 10_000 }
    public var maxFrameBytes: Int { int(.maxFrameBytes) ?? 64 * 1024 }
    public var outboundBufferFrames: Int { int(.outboundBufferFrames) ?? 1024 }
    public var messageRateLimit: Double { string(.messageRateLimit).flatMap { Double($0) } ?? 20 }
    public var messageRateBurst: Int { int(.messageRateBurst) ?? 40 }
    /// `websocket.allowed_origins` as a list (empty: any origin).
    public var allowedOrigins: [String] {
        (string(.allowedOrigins) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
    public var resumeLimit: Int { int(.resumeLimit) ?? 1000 }
    public var connectionsPerUser: Int { int(.connectionsPerUser) ?? 20 }
    public var roomsPerUser: Int { int(.roomsPerUser) ?? 1000 }
    /// `login.*` as the login limiter's policy.
    public var loginPolicy: LoginThrottle.Policy {
        LoginThrottle.Policy(
            failuresPerUser: int(.loginFailuresPerUser) ?? 5, failuresPerAddress: int(.loginFailuresPerIP) ?? 50,
            window: .seconds(int(.loginWindowSeconds) ?? 900))
    }
    public var tokenLifetime: Duration { .seconds(int(.tokenTTLSeconds) ?? 12 * 3600) }

    public var logFormat: LogFormat { string(.logFormat).flatMap { LogFormat(rawValue: $0.lowercased()) } ?? .logfmt }
    public var shutdownTimeout: Duration { .seconds(int(.shutdownTimeoutSeconds) ?? 10) }

    public var logLevel: Logger.Level {
        string(.logLevel).flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
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
        for setting in [SettingKey.archiveEvery, .archiveOlderThan, .reportEvery] {
            if let text = string(setting) {
                do { _ = try AgeCutoff.duration(text, field: setting.key) } catch let error as ChatError {
                    throw SettingsError(key: setting.key, message: "\(error.message) (from \(origin(setting)))")
                }
            }
        }
        if !(1...10_000).contains(archiveBatchSize) {
            throw SettingsError(key: SettingKey.archiveBatchSize.key, message: "must be between 1 and 10000")
        }
        if let level = string(.logLevel), Logger.Level(rawValue: level.lowercased()) == nil {
            throw SettingsError(key: SettingKey.logLevel.key, message: "'\(level)' (from \(origin(.logLevel))) is not one of trace, debug, info, notice, warning, error, critical")
        }
        if let verify = string(.cacheVerifyHistory), !["auto", "true", "false"].contains(verify.lowercased()) {
            throw SettingsError(key: SettingKey.cacheVerifyHistory.key, message: "'\(verify)' (from \(origin(.cacheVerifyHistory))) is not one of auto, true, false")
        }
        if let format = string(.logFormat), LogFormat(rawValue: format.lowercased()) == nil {
            throw SettingsError(key: SettingKey.logFormat.key, message: "'\(format)' (from \(origin(.logFormat))) is not one of logfmt, json")
        }
        if let value = string(.rabbitMQQueueDurable), QueueDurability(settingValue: value) == nil {
            throw SettingsError(
                key: SettingKey.rabbitMQQueueDurable.key,
                message: "'\(value)' (from \(origin(.rabbitMQQueueDurable))) is not one of \(QueueDurability.choices.joined(separator: ", "))")
        }
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
        if !(messageRateLimit >= 0) || !messageRateLimit.isFinite {
            throw SettingsError(key: SettingKey.messageRateLimit.key, message: "must be 0 (no limit) or a positive number of messages a second")
        }
        if messageRateBurst < 1 {
            throw SettingsError(key: SettingKey.messageRateBurst.key, message: "must be at least 1")
        }
        if !(1...100_000).contains(resumeLimit) {
            throw SettingsError(key: SettingKey.resumeLimit.key, message: "must be between 1 and 100000")
        }
        for key in [SettingKey.connectionsPerUser, .roomsPerUser, .loginFailuresPerUser, .loginFailuresPerIP] where (int(key) ?? 0) < 0 {
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
