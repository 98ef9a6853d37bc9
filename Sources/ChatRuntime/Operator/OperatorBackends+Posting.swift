import ChatBackends
import ChatCore
import Logging

extension OperatorBackends {
    /// The ports `PostMessage` runs on inside a one-shot command (`chatctl post` when no
    /// running chat node could be asked to post): this process's store and cache, so the
    /// message is stored with its room's next `seq` and the shared cache (Redis, with the
    /// Go service's entry) learns of it. No socket and no notification service is in
    /// reach here: the fan-out is local (nothing is attached to it) and the message event
    /// is dropped, silently (the command says so itself). Nothing signs or checks a user
    /// token with these ports: their token authority has a throw-away secret.
    public func postingPorts(logger: Logger) async -> ChatPorts {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        return ChatPorts(
            store: store, cache: cache, fanout: LocalFanout(), events: DiscardingEventQueue(logger: quiet), hasher: hasher,
            tokens: await JWTTokenAuthority(secret: RandomHex.make(bytes: 32)), revokedTokens: MemoryRevokedTokens(), logger: logger)
    }
}
