import ChatInProcess
import ChatCore
import Logging

extension ChatPorts {
    /// The secret the in-memory ports sign tokens with (tests that forge tokens by hand
    /// sign with it too).
    public static let testSecret = "test-secret-that-is-long-enough-0123456789"

    /// Ports on the Memory/ adapters, for a test: any port can be swapped for another
    /// (a recording queue, a Redis fan-out). Bcrypt runs at cost 4 to keep signups quick;
    /// tokens are HS256 under `secret`; events are discarded unless `events` is given;
    /// the logger prints only at `logLevel` and above.
    public static func inMemory(
        store: any ChatStore = MemoryChatStore(),
        cache: any RecentMessageCache = MemoryRecentCache(),
        fanout: any RoomFanout = LocalFanout(),
        events: (any MessageEventQueue)? = nil,
        revokedTokens: any RevokedTokens = MemoryRevokedTokens(),
        secret: String = ChatPorts.testSecret,
        label: String = "test",
        logLevel: Logger.Level = .critical
    ) async -> ChatPorts {
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        let eventQueue: any MessageEventQueue = events ?? DiscardingEventQueue(logger: logger)
        return ChatPorts(
            store: store, cache: cache, fanout: fanout, events: eventQueue,
            hasher: BcryptPasswordHasher(cost: 4), tokens: await JWTTokenAuthority(secret: secret),
            revokedTokens: revokedTokens, logger: logger)
    }
}
