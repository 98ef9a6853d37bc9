/// What a configuration reload changes: every setting whose effective value differs
/// between the configuration in force and the one just read, split into those a running
/// process applies at once (`applied`) and those it reads only when it starts
/// (`needsRestart`). Both in `SettingKey.all`'s order.
public struct ReloadPlan: Sendable, Equatable {
    public let applied: [SettingKey]
    public let needsRestart: [SettingKey]

    public init(from old: Settings, to new: Settings) {
        let changed = SettingKey.all.filter { old.string($0) != new.string($0) }
        applied = changed.filter(Self.isLive)
        needsRestart = changed.filter { !Self.isLive($0) }
    }

    /// Nothing changed.
    public var isEmpty: Bool { applied.isEmpty && needsRestart.isEmpty }

    /// The settings a running process applies without a restart, each with what applies
    /// it: the one table of it. Every other setting is read once, at start (addresses,
    /// backends, secrets, the scheduler's intervals, the log format, the WebSocket frame
    /// size its decoders were set up with…). A server-side one must also be in
    /// `ReloadableSettings` (`Settings.chatServer.reloadable`), which the servers read
    /// from their `LiveSettings`.
    public static let live: [SettingKey: String] = [
        .logLevel: "every logger of the process, at its next line",
        .allowedOrigins: "the next WebSocket upgrade, on both services",
        .messageRateLimit: "every room socket at its next frame, open ones included",
        .messageRateBurst: "every room socket at its next frame, open ones included (saved-up messages above the new burst are dropped)",
        .outboundBufferFrames: "room sockets opened after the reload",
        .resumeLimit: "the next resume (since=)",
        .connectionsPerUser: "the next WebSocket upgrade (sockets already open stay open)",
        .roomsPerUser: "the next room created or joined",
        .loginFailuresPerUser: "the next login (failures counted so far stay counted)",
        .loginFailuresPerIP: "the next login (failures counted so far stay counted)",
        .loginWindowSeconds: "the next login (failures counted so far stay counted)",
    ]

    /// Whether a running process applies `setting` without a restart.
    public static func isLive(_ setting: SettingKey) -> Bool { live[setting] != nil }
}
