import ChatBackends
import ChatCore
import Logging

/// The one place ChatRuntime turns settings into the inputs of ChatBackends' factories,
/// and the factories' `BackendError`s into the messages operators see, which name the
/// setting at fault (ChatBackends knows no settings).
///
/// `ChatRuntime.connect`, `OperatorBackends.connect`, `Doctor`, `QueueAdmin`,
/// `StoreCopyStores` and `StoreMaintenance` open backends only through here.
enum BackendWiring {
    // MARK: Settings → inputs

    /// MongoDB when `mongo.uri` is set, else the SQLite file in the data directory.
    static func storeLocation(_ settings: Settings) -> StoreBackend.Location {
        guard let uri = settings.mongoURI else { return .sqlite(path: settings.sqlitePath) }
        return .mongoDB(uri: uri, database: settings.mongoDatabase)
    }

    /// Redis when `redis.uri` is set, else in-process.
    static func sharedLocation(_ settings: Settings) -> SharedBackend.Location {
        guard let uri = settings.redisURI else { return .inProcess }
        return .redis(uri: uri)
    }

    /// The broker when `rabbitmq.url` is set, with the Go system's credential variables
    /// for a URL without credentials.
    static func rabbitMQAddress(_ settings: Settings) -> RabbitMQAddress? {
        guard let url = settings.rabbitMQURL else { return nil }
        return RabbitMQAddress(url: url, username: settings.string(.rabbitMQUsername), password: settings.string(.rabbitMQPassword))
    }

    /// RabbitMQ when `rabbitmq.url` is set; in-process when this process runs both
    /// services (`serve all`); nowhere for a process without the notification service.
    /// - Throws: `RuntimeError` for a lone notification service without RabbitMQ:
    ///   nothing could reach it.
    static func eventRoute(_ settings: Settings, roles: Set<ServiceRole>, logger: Logger) throws -> EventQueueBackend.Route {
        guard let address = rabbitMQAddress(settings) else {
            if roles.contains(.notify) && roles.contains(.chat) { return .inProcess(capacity: settings.rabbitMQBufferEvents) }
            if roles.contains(.notify) {
                throw RuntimeError("""
                    the notification service needs RabbitMQ to receive events from chat services in other processes: \
                    set rabbitmq.url (RABBITMQ_URL or --rabbitmq-url), or run chat and notify together with `chatctl serve all`
                    """)
            }
            return .discard
        }
        // The event queue as rabbitmq.queue_durable says (auto: as it exists); every
        // declare of the client and of the consumer is reported to the log, which says
        // once which durability it got.
        let durability = settings.rabbitMQQueueDurability
        let queue = durability.queue(named: settings.rabbitMQQueue)
        let declared = QueueDurabilityLog(
            queueName: queue.name, durability: durability, origin: settings.origin(of: .rabbitMQQueueDurable), logger: logger
        ).observer
        return .rabbitMQ(RabbitMQEventOptions(
            address: address, queue: queue, bufferEvents: settings.rabbitMQBufferEvents, flushTimeout: settings.shutdownTimeout, onDeclare: declared))
    }

    // MARK: Opening

    /// The store the settings select (MongoDB with its indexes ensured).
    ///
    /// - Parameter backgroundCheckpoints: for serving processes, which run
    ///   `SQLiteCheckpointer` (one-shot commands let commits checkpoint as usual).
    /// - Parameter deploymentHints: log `GoDeploymentHints`' warning about an empty
    ///   database (`doctor` reports it itself).
    static func openStore(
        settings: Settings, logger: Logger, backgroundCheckpoints: Bool = false, deploymentHints: Bool = true
    ) async throws -> StoreBackend {
        let backend: StoreBackend
        do {
            backend = try await StoreBackend.open(storeLocation(settings), checkpoints: backgroundCheckpoints ? .background(logger: logger) : .onCommit)
        } catch let error as BackendError {
            throw runtimeError(error)
        }
        if deploymentHints, let mongo = backend.store as? MongoChatStore, let hint = await GoDeploymentHints.database(mongo) {
            logger.warning("\(hint)")
        }
        return backend
    }

    /// A store named on the command line (`db copy --to/--from`), or the configured one
    /// when `option` is nil (its failure then names its setting, as `openStore` does).
    static func openStore(at location: StoreBackend.Location, option: String?) async throws -> StoreBackend {
        do {
            return try await StoreBackend.open(location)
        } catch let error as BackendError {
            guard let option else { throw runtimeError(error) }
            throw RuntimeError("cannot open the store of \(option) (\(location)): \(error.reason)")
        }
    }

    /// Cache, fan-out, revoked tokens and locks for `use`.
    static func openShared(settings: Settings, for use: SharedBackend.Use, store: any ChatStore, logger: Logger) async throws -> SharedBackend {
        do throws(BackendError) {
            return try await SharedBackend.open(sharedLocation(settings), for: use, store: store, logger: logger)
        } catch {
            throw runtimeError(error)
        }
    }

    /// The event path for `roles` (see `eventRoute`).
    static func openEventQueue(
        settings: Settings, roles: Set<ServiceRole>, pendingLog: any PendingEventLog, logger: Logger, metrics: ChatMetrics
    ) throws -> EventQueueBackend {
        let route = try eventRoute(settings, roles: roles, logger: logger)
        do throws(BackendError) {
            return try EventQueueBackend.open(
                route, publishes: roles.contains(.chat), consumes: roles.contains(.notify), pendingLog: pendingLog, logger: logger, metrics: metrics)
        } catch {
            throw runtimeError(error)
        }
    }

    /// The broker's queues, for the queue commands and `doctor`.
    /// - Throws: `RuntimeError` saying how to configure RabbitMQ, or why its URL is refused.
    static func openQueues(_ settings: Settings) throws -> RabbitMQQueues {
        guard let address = rabbitMQAddress(settings) else {
            throw RuntimeError("no RabbitMQ configured: set rabbitmq.url (RABBITMQ_URL or --rabbitmq-url)")
        }
        do throws(BackendError) {
            return try RabbitMQQueues.open(address)
        } catch {
            throw runtimeError(error)
        }
    }

    // MARK: Errors

    /// A factory's failure as operators read it: the setting (or file) at fault, then
    /// the reason. A failed call on an opened backend (a queue command's) is its reason.
    static func runtimeError(_ error: BackendError) -> RuntimeError {
        switch (error.backend, error.kind) {
        case (.mongoDB, _):
            RuntimeError("cannot use MongoDB (\(SettingKey.mongoURI.key)): \(error.reason)")
        case (.sqlite, _):
            RuntimeError("cannot open the SQLite store at \(error.target): \(error.reason)")
        case (.redis, .invalidAddress):
            RuntimeError("\(SettingKey.redisURI.key): \(error.reason)")
        case (.rabbitMQ, .invalidAddress):
            RuntimeError("\(SettingKey.rabbitMQURL.key): \(error.reason)")
        default:
            RuntimeError(error.reason)
        }
    }
}
