import ChatBackends
import ChatCore
import ChatServer
import Foundation
import Logging
import ServiceLifecycle

/// Turns effective settings into connected backends and the services to run.
///
/// The store is MongoDB when `mongo.uri` is set, else SQLite; cache, fan-out and
/// revoked tokens are Redis when `redis.uri` is set, else in-process; message events go
/// to RabbitMQ when `rabbitmq.url` is set. Each comes from its ChatBackends factory
/// (`StoreBackend`, `SharedBackend`, `EventQueueBackend`), opened through
/// `BackendWiring`; nothing here knows a client library.
public struct ChatRuntime: Sendable {
    public let settings: Settings
    public let ports: ChatPorts
    public let logger: Logger
    /// The registry behind `GET /metrics` and the handles the ports record into.
    public let metrics: ServiceMetrics
    /// Backend services that must run beside the servers (the Redis subscription).
    public let backendServices: [any Service]
    /// Named locks for single-runner work (Redis across hosts, else leases in the store).
    public let locks: any LockService
    /// Where this process registers (Redis when configured, else the store).
    public let nodeRegistry: any NodeRegistry
    /// What the operator API checks tokens with; nil without a configured secret key
    /// (a scheduler alone may run without one), and then the process runs no operator API.
    public let operatorTokens: (any OperatorTokenAuthority)?
    /// The servers' limits and origins in force (`Settings.chatServer.reloadable` at
    /// start), which a configuration reload (`configReloader`) replaces.
    public let live: LiveSettings
    /// The store's factory output (its health check for the scheduler's status endpoints).
    let storeBackend: StoreBackend
    /// Redis or in-process (its health checks).
    let shared: SharedBackend
    /// How events reach the notification service in this process.
    let eventQueue: EventQueueBackend
    /// The three above in the order they were opened, closed in reverse at shutdown.
    let backends: OpenedBackends

    /// Connects every backend the settings name. When one fails, those already opened
    /// are closed (last first) before the error goes on.
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
        return try await OpenedBackends.opening { opened in
            let store = try await BackendWiring.openStore(settings: settings, logger: logger, backgroundCheckpoints: true)
            opened.append(store)
            let shared = try await BackendWiring.openShared(settings: settings, for: .serving, store: store.store, logger: logger)
            opened.append(shared)
            let metrics = ServiceMetrics()
            let queue = try BackendWiring.openEventQueue(settings: settings, roles: roles, pendingLog: store.store, logger: logger, metrics: metrics.chat)
            opened.append(queue)
            let ports = ChatPorts(
                store: store.store,
                cache: shared.cache,
                fanout: shared.fanout,
                events: queue.events,
                hasher: BcryptPasswordHasher(),
                tokens: await JWTTokenAuthority(secret: secret, lifetime: settings.tokenLifetime),
                revokedTokens: shared.revokedTokens,
                logger: logger,
                metrics: metrics.chat,
                verifyCachedHistory: settings.verifyCachedHistory
            )
            let configuredSecret = settings.secretKey.flatMap { $0.isEmpty ? nil : $0 }
            var operatorTokens: (any OperatorTokenAuthority)?
            if let configuredSecret { operatorTokens = await JWTOperatorTokens(secret: configuredSecret) }
            logger.info("backends connected", metadata: [
                "store": "\(store.description)", "shared": "\(shared.description)", "events": "\(queue.description)",
            ])
            return ChatRuntime(
                settings: settings, ports: ports, logger: logger, metrics: metrics,
                backendServices: store.services + shared.services + queue.services, locks: shared.locks,
                nodeRegistry: shared.nodeRegistry(store: store), operatorTokens: operatorTokens,
                live: LiveSettings(settings.chatServer.reloadable), storeBackend: store, shared: shared, eventQueue: queue, backends: opened)
        }
    }

    /// What `/readyz` probes besides the store (which the chat service always probes):
    /// Redis and RabbitMQ when configured.
    public var sharedHealthChecks: [HealthCheck] { shared.healthChecks + eventQueue.healthChecks }

    /// Releases backend connections (after the services stopped), the last opened first.
    public func close() async {
        await backends.close()
    }

    /// The services of the given roles, ready for a `ServiceGroup`: the backends'
    /// services, the node's registry heartbeat and operator API (`operatorServices`),
    /// then the servers and their helpers.
    ///
    /// - Parameters:
    ///   - version: the binary's version, for the node's registry record.
    ///   - reloader: this process's configuration reloader (`configReloader`), offered
    ///     on the operator API as `POST /admin/config/reload`; nil: no such route.
    ///   - onListening: called with each public server's role and bound port once it
    ///     accepts connections.
    public func services(
        for roles: Set<ServiceRole>, version: String, reloader: ConfigReloader? = nil,
        onListening: @escaping @Sendable (ServiceRole, Int) async -> Void = { _, _ in }
    ) async -> [any Service] {
        var services: [any Service] = backendServices
        var sessionHubs: [any SessionEndingHub] = []
        var adminRoutes: [any AdminRoutes] = []
        var connectionHubs: [any ConnectionDirectory] = []
        let logger = self.logger
        let metrics = self.metrics
        let node = LocalNode(
            roles: roles.map(\.rawValue), servers: Set(Self.servers(for: roles).map(\.rawValue)), operatorAPI: operatorTokens != nil,
            version: version)
        let heartbeat = NodeHeartbeat(node: node, registry: nodeRegistry, logger: logger)
        // The gentle drain (`chatctl nodes drain`) over the hubs of this process; its state
        // is in the registry record and in every /readyz of the process.
        let gentleDrain = NodeDrain(nodeID: node.id, logger: logger) { heartbeat.refreshNow() }
        node.reportDrain {
            let drain = gentleDrain.current
            return drain.hasStarted ? drain.name : nil
        }
        var drainableHubs: [any ReconnectableHub] = []
        // A server reports its port to the node record and to the caller.
        let reportListening: @Sendable (ServiceRole, Int) async -> Void = { role, port in
            node.listening(role.rawValue, port: port)
            heartbeat.refreshNow()
            await onListening(role, port)
        }
        if roles.contains(.chat) {
            let chatSettings = settings.chatServer
            let chat = await ChatApplication.build(
                ports: ports, settings: chatSettings, live: live, extraChecks: sharedHealthChecks, renderMetrics: { metrics.render() },
                drainTimeout: settings.shutdownTimeout, gentleDrain: gentleDrain, logger: logger
            ) { port in
                logger.notice("chat service listening", metadata: ["host": "\(chatSettings.host)", "port": "\(port)"])
                await reportListening(.chat, port)
            }
            services += chat.services
            sessionHubs.append(chat.hub)
            let hub = chat.hub
            node.addFigures { NodeFigures(connections: hub.totalConnections, rooms: hub.activeRooms) }
            adminRoutes.append(RoomAdminRoutes(hub: hub))
            adminRoutes.append(RoomPostAdminRoutes(ports: ports))
            connectionHubs.append(hub)
            drainableHubs.append(hub)
            if eventQueue.usesBroker {
                services.append(PendingEventRelay(
                    relay: RelayPendingEvents(store: ports.store, events: ports.events, logger: logger, metrics: ports.metrics), interval: .seconds(5), logger: logger))
            }
        }
        if roles.contains(.notify) {
            let notifySettings = settings.notifyServer
            let notify = NotificationApplication.build(
                ports: ports, settings: notifySettings, live: live, extraChecks: sharedHealthChecks, renderMetrics: { metrics.render() },
                drainTimeout: settings.shutdownTimeout, gentleDrain: gentleDrain, logger: logger
            ) { port in
                logger.notice("notify service listening", metadata: ["host": "\(notifySettings.host)", "port": "\(port)"])
                await reportListening(.notify, port)
            }
            let deliver = DeliverNotifications(store: ports.store, pusher: notify.hub, metrics: ports.metrics)
            if let consumer = eventQueue.consumer(logger: logger, metrics: ports.metrics, handler: { event, key in _ = try await deliver(event, eventKey: key) }) {
                services.append(consumer)
            }
            services += notify.services
            sessionHubs.append(notify.hub)
            let hub = notify.hub
            node.addFigures { NodeFigures(connections: hub.totalConnections) }
            connectionHubs.append(hub)
            drainableHubs.append(hub)
        }
        if !connectionHubs.isEmpty {
            // One set of routes over every hub: `serve all` lists and closes both kinds.
            adminRoutes.append(ConnectionAdminRoutes(nodeID: node.id, hubs: connectionHubs))
        }
        if !sessionHubs.isEmpty {
            services.append(SessionEndWatcher(log: ports.store, hubs: sessionHubs, logger: logger))
        }
        if roles.contains(.scheduler) {
            services.append(TaskScheduler(tasks: schedulerTasks(), locks: locks, logger: logger, metrics: ports.metrics))
            if Self.servers(for: roles) == [.scheduler] {
                // Alone, the scheduler serves its own /healthz, /readyz and /metrics.
                let host = settings.schedulerHost
                services.append(StatusApplication.build(
                    host: host, port: settings.schedulerPort,
                    checks: [storeBackend.healthCheck] + sharedHealthChecks,
                    renderMetrics: { metrics.render() }, logger: logger
                ) { port in
                    logger.notice("scheduler status listening", metadata: ["host": "\(host)", "port": "\(port)"])
                    await reportListening(.scheduler, port)
                })
            }
        }
        if let reloader { adminRoutes.append(ConfigAdminRoutes(reloader: reloader)) }
        var drainOfNode: NodeDrain?
        if !drainableHubs.isEmpty {
            for hub in drainableHubs { gentleDrain.add(hub) }
            adminRoutes.append(DrainAdminRoutes(drain: gentleDrain))
            // Last: shut down first, so a drain running at SIGTERM stops before
            // `WebSocketDrain` closes the rest with 1001.
            services.append(gentleDrain)
            drainOfNode = gentleDrain
        }
        // Right after the backends' services: shut down after the servers, so the node
        // stays registered and answers its operator API while it drains.
        services.insert(
            contentsOf: operatorServices(node: node, heartbeat: heartbeat, drain: drainOfNode, routes: adminRoutes), at: backendServices.count)
        return services
    }

    /// The scheduler's tasks, on their intervals: `archive` — each room archived at its own
    /// age and its archived messages past their retention deleted (`EnforceLifecycle`,
    /// under the archive lock a `chatctl archive` also takes), then counted again: what is
    /// still due fails the run, logged as an error naming the rooms and counted in
    /// `chatctl_archive_runs_unfinished_total` —; and `report`, which logs what the next run
    /// would do.
    func schedulerTasks() -> [ScheduledTask] {
        let lifecycle = EnforceLifecycle(store: ports.store, cache: ports.cache, locks: locks, defaults: settings.lifecycleDefaults)
        let batchSize = settings.archiveBatchSize
        let olderThan = settings.archiveOlderThan
        let retention = settings.string(.retentionDefault) ?? "none"
        let metrics = ports.metrics
        return [
            ScheduledTask(name: "archive", every: settings.archiveEvery) {
                let report: EnforceLifecycle.Report
                do {
                    report = try await lifecycle(.init(batchSize: batchSize))
                } catch ArchiveLockError.held {
                    throw TaskSkipped(reason: "\(ArchiveLockError.held)")
                }
                metrics.messagesArchived.increment(by: report.archived)
                metrics.messagesExpired.increment(by: report.deleted)
                if !report.left.isEmpty {
                    metrics.lifecycleUnfinished.increment()
                    throw LifecycleLeftover(rooms: report.left)
                }
                return [
                    "moved": "\(report.archived)", "candidates": "\(report.plan.archiveCount)", "deleted": "\(report.deleted)",
                    "batches": "\(report.batches)", "finished": "\(report.finished)", "older_than": olderThan, "retention": retention,
                ]
            },
            ScheduledTask(name: "report", every: settings.reportEvery) {
                let plan = try await lifecycle.plan()
                return [
                    "old_messages": "\(plan.archiveCount)", "expired_messages": "\(plan.deleteCount)", "rooms": "\(plan.due.count)",
                    "older_than": olderThan, "retention": retention,
                ]
            },
        ]
    }
}

/// What an archive run left due, as the scheduler's error line says it: each room with
/// the messages still to archive and to delete.
struct LifecycleLeftover: Error, CustomStringConvertible {
    let rooms: [LifecyclePlan.RoomPlan]

    var description: String {
        let total = rooms.reduce(0) { $0 + $1.archiveCount + $1.deleteCount }
        let each = rooms.map { room in
            "\(room.roomName ?? "deleted room \(room.roomID.hex)"): \(room.archiveCount) to archive, \(room.deleteCount) to delete"
        }
        return "archive run left \(total) messages due (counted again after the run): \(each.joined(separator: "; "))"
    }
}
