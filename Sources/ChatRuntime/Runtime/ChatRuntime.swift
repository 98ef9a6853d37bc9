import AMQPKit
import ChatBackends
import ChatCore
import ChatServer
import Foundation
import Logging
import RedisKit
import ServiceLifecycle

/// Turns effective settings into connected backends and the services to run.
///
/// The store is MongoDB when `mongo.uri` is set, else SQLite; cache, fan-out and
/// revoked tokens are Redis when `redis.uri` is set, else in-process; message events go
/// to RabbitMQ when `rabbitmq.url` is set.
public struct ChatRuntime: Sendable {
    public let settings: Settings
    public let ports: ChatPorts
    public let logger: Logger
    /// The registry behind `GET /metrics` and the handles the ports record into.
    public let metrics: ServiceMetrics
    /// Backend services that must run beside the servers (the Redis subscription).
    public let backendServices: [any Service]
    /// Named locks for single-runner work (Redis across hosts, else in-process).
    public let locks: any LockService
    /// The Redis client, closed at shutdown.
    let redis: RedisClient?
    /// The RabbitMQ client (publisher, dead letters, readiness), closed at shutdown.
    let amqp: AMQPClient?
    /// How events reach the notification service in this process.
    let eventBackend: EventBackend

    /// Connects every backend the settings name.
    /// - Throws: `RuntimeError` saying which backend failed and why (credentials redacted).
    /// - Parameter roles: the services this process will run (they decide how events travel).
    public static func connect(settings: Settings, roles: Set<ServiceRole>, logger: Logger) async throws -> ChatRuntime {
        let needsSecret = !roles.isDisjoint(with: [.chat, .notify])
        guard let secret = settings.secretKey.flatMap({ $0.isEmpty ? nil : $0 }) ?? (needsSecret ? nil : RandomHex.make(bytes: 32)) else {
            throw RuntimeError("no secret key: set SECRET_KEY (or CHATCTL_SECRET_KEY, or secret_key in the config file), or pass --dev to generate one")
        }

        if needsSecret, let hint = GoDeploymentHints.broker(settings) { logger.warning("\(hint)") }
        if needsSecret, JWTTokenAuthority.isWeak(secret: secret) {
            logger.warning("the secret key is shorter than 32 bytes; use a longer random one (openssl rand -hex 32)")
        }
        let store = try await connectStore(settings: settings, logger: logger, backgroundCheckpoints: true)
        let shared = try await connectShared(settings: settings, store: store, logger: logger)
        let metrics = ServiceMetrics()
        let queue = try EventBackend.connect(settings: settings, roles: roles, pendingLog: store, logger: logger, metrics: metrics.chat)
        let events = queue.events
        let ports = ChatPorts(
            store: store,
            cache: shared.cache,
            fanout: shared.fanout,
            events: events,
            hasher: BcryptPasswordHasher(),
            tokens: await JWTTokenAuthority(secret: secret, lifetime: settings.tokenLifetime),
            revokedTokens: shared.revokedTokens,
            logger: logger,
            metrics: metrics.chat,
            verifyCachedHistory: settings.verifyCachedHistory
        )
        logger.info("backends connected", metadata: [
            "store": "\(store.displayName)", "shared": "\(shared.description)", "events": "\(queue.description)",
        ])
        return ChatRuntime(
            settings: settings, ports: ports, logger: logger, metrics: metrics,
            backendServices: storeServices(store, logger: logger) + shared.services + queue.services, locks: shared.locks, redis: shared.client,
            amqp: queue.client, eventBackend: queue)
    }

    /// What nodes share: Redis when `redis.uri` is set, else in-process.
    struct SharedBackends {
        var cache: any RecentMessageCache
        var fanout: any RoomFanout
        var revokedTokens: any RevokedTokens
        var locks: any LockService
        var services: [any Service]
        var client: RedisClient?
        var description: String
    }

    static func connectShared(settings: Settings, store: any ChatStore, logger: Logger) async throws -> SharedBackends {
        guard let uri = settings.redisURI else {
            return SharedBackends(
                cache: MemoryRecentCache(), fanout: LocalFanout(), revokedTokens: MemoryRevokedTokens(), locks: StoreLockService(store: store),
                services: [], client: nil,
                description: "in-process")
        }
        let client: RedisClient
        do {
            client = try RedisClient(url: uri)
        } catch {
            throw RuntimeError("\(SettingKey.redisURI.key): \(error)")
        }
        do {
            try await client.ping()
        } catch {
            // Redis down never stops the chat service: it carries on and catches up.
            logger.warning("Redis does not answer yet; starting anyway", metadata: ["redis": "\(client.endpoint)", "error": "\(error)"])
        }
        let fanout = RedisFanout(client: client, store: store, logger: logger)
        return SharedBackends(
            cache: RedisRecentCache(client: client, logger: logger), fanout: fanout, revokedTokens: RedisRevokedTokens(client: client, logger: logger),
            locks: RedisLockService(client: client), services: [fanout], client: client, description: "\(client.endpoint)")
    }

    /// What `/readyz` probes besides the store (which the chat service always probes):
    /// Redis when configured.
    public var sharedHealthChecks: [HealthCheck] {
        var checks: [HealthCheck] = []
        if let redis { checks.append(HealthCheck(name: "redis") { try await redis.ping() }) }
        if let amqp { checks.append(HealthCheck(name: "rabbitmq") { try await amqp.ping() }) }
        return checks
    }

    /// Releases backend connections (after the services stopped).
    public func close() async {
        await redis?.close()
        amqp?.close()
        await ports.store.close()
    }

    /// What the store needs running beside the services (SQLite's WAL checkpoints).
    static func storeServices(_ store: any ChatStore, logger: Logger) -> [any Service] {
        guard let sqlite = store as? SQLiteChatStore, sqlite.backgroundCheckpoints else { return [] }
        return [SQLiteCheckpointer(store: sqlite, logger: logger)]
    }

    /// MongoDB when `mongo.uri` is set (indexes ensured), else the SQLite file.
    ///
    /// - Parameter backgroundCheckpoints: for serving processes, which run
    ///   `SQLiteCheckpointer` (one-shot commands let commits checkpoint as usual).
    /// - Parameter deploymentHints: log `GoDeploymentHints`' warning about an empty
    ///   database (`doctor` reports it itself).
    static func connectStore(settings: Settings, logger: Logger, backgroundCheckpoints: Bool = false, deploymentHints: Bool = true) async throws -> any ChatStore {
        if let uri = settings.mongoURI {
            let database = settings.mongoDatabase
            do {
                let store = try MongoChatStore(uri: uri, database: database)
                try await store.ensureIndexes()
                if deploymentHints, let hint = await GoDeploymentHints.database(store) { logger.warning("\(hint)") }
                return store
            } catch let error as ChatError {
                throw RuntimeError("cannot use MongoDB (\(SettingKey.mongoURI.key)): \(error.detail ?? error.message)")
            }
        }
        do {
            return try await SQLiteChatStore.open(path: settings.sqlitePath, backgroundCheckpoints: backgroundCheckpoints)
        } catch {
            throw RuntimeError("cannot open the SQLite store at \(settings.sqlitePath): \(error)")
        }
    }

    /// The services of the given roles, ready for a `ServiceGroup`.
    ///
    /// - Parameter onListening: called with each server's role and bound port once it
    ///   accepts connections.
    public func services(
        for roles: Set<ServiceRole>, onListening: @escaping @Sendable (ServiceRole, Int) async -> Void = { _, _ in }
    ) async -> [any Service] {
        var services: [any Service] = backendServices
        var sessionHubs: [any SessionEndingHub] = []
        let logger = self.logger
        let metrics = self.metrics
        if roles.contains(.chat) {
            let chatSettings = settings.chatServer
            let chat = await ChatApplication.build(
                ports: ports, settings: chatSettings, extraChecks: sharedHealthChecks, renderMetrics: { metrics.render() },
                drainTimeout: settings.shutdownTimeout, logger: logger
            ) { port in
                logger.notice("chat service listening", metadata: ["host": "\(chatSettings.host)", "port": "\(port)"])
                await onListening(.chat, port)
            }
            services += chat.services
            sessionHubs.append(chat.hub)
            if amqp != nil {
                services.append(PendingEventRelay(
                    relay: RelayPendingEvents(store: ports.store, events: ports.events, logger: logger, metrics: ports.metrics), interval: .seconds(5), logger: logger))
            }
        }
        if roles.contains(.notify) {
            let notifySettings = settings.notifyServer
            let notify = NotificationApplication.build(
                ports: ports, settings: notifySettings, extraChecks: sharedHealthChecks, renderMetrics: { metrics.render() },
                drainTimeout: settings.shutdownTimeout, logger: logger
            ) { port in
                logger.notice("notify service listening", metadata: ["host": "\(notifySettings.host)", "port": "\(port)"])
                await onListening(.notify, port)
            }
            let deliver = DeliverNotifications(store: ports.store, pusher: notify.hub, metrics: ports.metrics)
            if let consumer = eventBackend.consumer(logger: logger, metrics: ports.metrics, handler: { event, key in _ = try await deliver(event, eventKey: key) }) {
                services.append(consumer)
            }
            services += notify.services
            sessionHubs.append(notify.hub)
        }
        if !sessionHubs.isEmpty {
            services.append(SessionEndWatcher(log: ports.store, hubs: sessionHubs, logger: logger))
        }
        if roles.contains(.scheduler) {
            services.append(TaskScheduler(tasks: schedulerTasks(), locks: locks, logger: logger, metrics: ports.metrics))
            if !roles.contains(.chat) && !roles.contains(.notify) {
                // Alone, the scheduler serves its own /healthz, /readyz and /metrics.
                let store = ports.store
                let host = settings.schedulerHost
                services.append(StatusApplication.build(
                    host: host, port: settings.schedulerPort,
                    checks: [HealthCheck(name: "store") { try await store.ping() }] + sharedHealthChecks,
                    renderMetrics: { metrics.render() }, logger: logger
                ) { port in
                    logger.notice("scheduler status listening", metadata: ["host": "\(host)", "port": "\(port)"])
                    await onListening(.scheduler, port)
                })
            }
        }
        return services
    }

    /// The scheduler's tasks: archiving and the old-message report, on their intervals.
    func schedulerTasks() -> [ScheduledTask] {
        let archive = ArchiveMessages(store: ports.store, cache: ports.cache)
        let olderThan = settings.archiveOlderThan
        let batchSize = settings.archiveBatchSize
        let metrics = ports.metrics
        return [
            ScheduledTask(name: "archive", every: settings.archiveEvery) {
                let report = try await archive(.init(cutoff: try AgeCutoff.parse(olderThan), batchSize: batchSize))
                metrics.messagesArchived.increment(by: report.moved)
                return ["moved": "\(report.moved)", "candidates": "\(report.candidates)", "batches": "\(report.batches)", "older_than": olderThan]
            },
            ScheduledTask(name: "report", every: settings.reportEvery) {
                let report = try await archive.dryRun(.init(cutoff: try AgeCutoff.parse(olderThan)))
                return ["old_messages": "\(report.candidates)", "rooms": "\(report.rooms.count)", "older_than": olderThan]
            },
        ]
    }
}
