import Logging

/// Every port a use case may need, connected once at start-up by ChatRuntime
/// (or by a test in one line from the Memory/ adapters).
///
/// A class, not a struct: every use case and every socket's async frames hold it, and a
/// reference is 8 bytes where the ports themselves are several hundred (a socket's task
/// keeps the high-water mark of its frames for its whole life).
public final class ChatPorts: Sendable {
    public let store: any ChatStore
    public let cache: any RecentMessageCache
    public let fanout: any RoomFanout
    public let events: any MessageEventQueue
    public let hasher: any PasswordHasher
    public let tokens: any TokenAuthority
    public let revokedTokens: any RevokedTokens
    public let logger: Logger
    /// Where use cases and the servers record what they do.
    public let metrics: ChatMetrics
    /// Group-commits posted messages to `store`.
    public let messageWriter: GroupCommitWriter
    /// This node's copy of the rooms' rules and mutes, and its slow-mode timing.
    public let roomRules: RoomRuleCache
    /// Check a cached history against the store's newest message before serving it
    /// (`RecentMessages`): on where another writer (the Go chat service) may store
    /// messages without touching this cache.
    public let verifyCachedHistory: Bool

    public init(
        store: any ChatStore,
        cache: any RecentMessageCache,
        fanout: any RoomFanout,
        events: any MessageEventQueue,
        hasher: any PasswordHasher,
        tokens: any TokenAuthority,
        revokedTokens: any RevokedTokens,
        logger: Logger,
        metrics: ChatMetrics = .disabled,
        verifyCachedHistory: Bool = false
    ) {
        self.verifyCachedHistory = verifyCachedHistory
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
        self.roomRules = RoomRuleCache(store: store)
    }
}
