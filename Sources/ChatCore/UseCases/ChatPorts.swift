import Logging

/// Every port a use case may need, connected once at start-up by ChatRuntime
/// (or by a test in one line from the Memory/ adapters).
public struct ChatPorts: Sendable {
    public var store: any ChatStore
    public var cache: any RecentMessageCache
    public var fanout: any RoomFanout
    public var events: any MessageEventQueue
    public var hasher: any PasswordHasher
    public var tokens: any TokenAuthority
    public var revokedTokens: any RevokedTokens
    public var logger: Logger
    /// Where use cases and the servers record what they do.
    public var metrics: ChatMetrics
    /// Group-commits posted messages to `store`.
    public let messageWriter: GroupCommitWriter

    public init(
        store: any ChatStore,
        cache: any RecentMessageCache,
        fanout: any RoomFanout,
        events: any MessageEventQueue,
        hasher: any PasswordHasher,
        tokens: any TokenAuthority,
        revokedTokens: any RevokedTokens,
        logger: Logger,
        metrics: ChatMetrics = .disabled
    ) {
        self.store = store
        self.cache = cache
        self.fanout = fanout
        self.events = events
        self.hasher = hasher
        self.tokens = tokens
        self.revokedTokens = revokedTokens
        self.logger = logger
        self.metrics = metrics
        self.messageWriter = GroupCommitWriter(store: store)
    }
}
