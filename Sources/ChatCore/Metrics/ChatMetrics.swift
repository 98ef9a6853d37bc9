import CoreMetrics
import Foundation

/// The chat service's metrics, made from one `MetricsFactory` (the process's Prometheus
/// registry in production, a no-op one by default), so a service and its tests never
/// share a global registry.
///
/// Names follow Prometheus conventions; timers are exported as histograms in seconds.
public struct ChatMetrics: Sendable {
    /// Metric names, for the exporter's bucket configuration and for tests.
    public enum Name {
        public static let connectionsOpen = "chatctl_connections_open"
        public static let roomsActive = "chatctl_rooms_active"
        public static let messagesPosted = "chatctl_messages_posted_total"
        public static let messagesFailed = "chatctl_messages_failed_total"
        public static let messagesRepeated = "chatctl_messages_repeated_total"
        public static let messagesBroadcast = "chatctl_messages_broadcast_total"
        public static let deliveries = "chatctl_deliveries_total"
        public static let fanoutLatency = "chatctl_fanout_latency_seconds"
        public static let storeLatency = "chatctl_store_seconds"
        public static let cacheLatency = "chatctl_cache_seconds"
        public static let eventsPublished = "chatctl_events_published_total"
        public static let eventsDropped = "chatctl_events_dropped_total"
        public static let eventBufferDepth = "chatctl_event_buffer_depth"
        public static let eventPublishFailures = "chatctl_event_publish_failures_total"
        public static let eventsConsumed = "chatctl_events_consumed_total"
        public static let cacheStale = "chatctl_cache_stale_total"
        public static let eventsRepublished = "chatctl_events_republished_total"
        public static let eventsAlreadyBuffered = "chatctl_events_already_buffered_total"
        public static let eventsDeadLettered = "chatctl_events_dead_lettered_total"
        public static let notificationsStored = "chatctl_notifications_stored_total"
        public static let notificationsPushed = "chatctl_notifications_pushed_total"
        public static let taskRuns = "chatctl_scheduler_runs_total"
        public static let messagesArchived = "chatctl_messages_archived_total"
        public static let messagesExpired = "chatctl_messages_expired_total"
        public static let lifecycleUnfinished = "chatctl_archive_runs_unfinished_total"
        public static let httpRequests = "chatctl_http_requests_total"
        public static let httpDuration = "chatctl_http_request_seconds"
        /// Timers whose values are sub-millisecond on a healthy node.
        public static let fastTimers = [fanoutLatency, storeLatency, cacheLatency, httpDuration]

        /// Each metric's `# HELP` text, by name: what it counts and in which unit.
        public static let help: [String: String] = [
            connectionsOpen: "WebSockets open on this node (room and notification sockets).",
            roomsActive: "Rooms with at least one socket on this node.",
            messagesPosted: "Messages stored by posts on this node.",
            messagesFailed: "Posts that failed to store (the client got an error frame).",
            messagesRepeated: "Posts whose client_id was already stored: resends, neither stored nor broadcast again.",
            messagesBroadcast: "Messages handed to this node's sockets, posted on any node.",
            deliveries: "Message frames queued to sockets (messages times recipients).",
            fanoutLatency: "Seconds from the store accepting a message posted on this node to its frames being queued to this node's sockets.",
            storeLatency: "Seconds per store operation of the hot path, by operation (write_messages: one group-committed batch; recent_messages: a history read on a cache miss).",
            cacheLatency: "Seconds per recent-message cache operation, by operation (append, lookup).",
            eventsPublished: "Message events confirmed by the event queue's broker (or handed to the in-process queue).",
            eventsDropped: "Message events dropped because the publish buffer was full.",
            eventBufferDepth: "Message events waiting to be published.",
            eventPublishFailures: "Event publish attempts that failed (each is retried).",
            eventsConsumed: "Message events the notification service handled and acknowledged.",
            cacheStale: "Cached room histories found older than the store and rebuilt.",
            eventsRepublished: "Events of pending marks this node took over from a node that stopped holding them, confirmed by the broker.",
            eventsAlreadyBuffered: "Publishes of an event the buffer already held (not buffered twice, so the broker gets it once).",
            eventsDeadLettered: "Malformed events moved to the dead-letter queue.",
            notificationsStored: "Notifications stored for room members.",
            notificationsPushed: "Notification frames queued to connected notification sockets.",
            taskRuns: "Scheduler task runs, by task and outcome (ok, failed, skipped: another runner held the lock).",
            messagesArchived: "Messages moved to archived_messages by this process.",
            messagesExpired: "Archived messages deleted by this process's scheduler because they were past their retention.",
            lifecycleUnfinished: "Archive and retention runs of this scheduler after which messages were still due, counted again at the run's cut-offs (each is also logged as an error naming the rooms).",
            httpRequests: "HTTP requests answered, by route template, method and status.",
            httpDuration: "Seconds to answer an HTTP request, by route template, method and status.",
        ]
    }

    let factory: any MetricsFactory
    /// WebSockets open on this node.
    public let connectionsOpen: Meter
    /// Rooms with at least one socket on this node.
    public let roomsActive: Meter
    /// Messages stored by posts on this node.
    public let messagesPosted: CoreMetrics.Counter
    /// Posts that failed to store (the client got an error frame).
    public let messagesFailed: CoreMetrics.Counter
    /// Posts whose client id was already stored (resends: not stored or broadcast again).
    public let messagesRepeated: CoreMetrics.Counter
    /// Messages handed to this node's sockets (from any node).
    public let messagesBroadcast: CoreMetrics.Counter
    /// Frames queued to sockets (messages × recipients).
    public let deliveries: CoreMetrics.Counter
    /// From the store accepting a message posted on this node to its frames being
    /// queued to this node's sockets (through Redis when configured).
    public let fanoutLatency: CoreMetrics.Timer
    /// Start times for `fanoutLatency`.
    public let fanoutClock = FanoutClock()
    /// Store writes of posted messages (one group-committed batch each).
    public let storeWrite: CoreMetrics.Timer
    /// Store reads of recent messages (on a cache miss).
    public let storeRecentRead: CoreMetrics.Timer
    public let cacheAppend: CoreMetrics.Timer
    public let cacheLookup: CoreMetrics.Timer
    /// Message events confirmed by the queue's broker (or handed to the in-process queue).
    public let eventsPublished: CoreMetrics.Counter
    /// Events dropped because the publish buffer was full (the broker was away too long).
    public let eventsDropped: CoreMetrics.Counter
    /// Events waiting to be published.
    public let eventBufferDepth: Meter
    /// Publish attempts that failed (each is retried).
    public let eventPublishFailures: CoreMetrics.Counter
    /// Events the notification service handled (acked).
    public let eventsConsumed: CoreMetrics.Counter
    /// Cached histories found older than the store (`cache.verify_history`) and rebuilt.
    public let cacheStale: CoreMetrics.Counter
    /// Events of marks this node took over from a node that stopped holding them
    /// (`RelayPendingEvents`), confirmed by the broker.
    public let eventsRepublished: CoreMetrics.Counter
    /// Publishes of an event the buffer already held (a relay pass, a client's resend):
    /// not buffered a second time, so the broker gets it once.
    public let eventsAlreadyBuffered: CoreMetrics.Counter
    /// Malformed events moved to the dead-letter queue.
    public let eventsDeadLettered: CoreMetrics.Counter
    public let notificationsStored: CoreMetrics.Counter
    /// Notification frames queued to connected notification sockets.
    public let notificationsPushed: CoreMetrics.Counter

    public init(factory: any MetricsFactory) {
        self.factory = factory
        connectionsOpen = Meter(label: Name.connectionsOpen, factory: factory)
        roomsActive = Meter(label: Name.roomsActive, factory: factory)
        messagesPosted = CoreMetrics.Counter(label: Name.messagesPosted, factory: factory)
        messagesFailed = CoreMetrics.Counter(label: Name.messagesFailed, factory: factory)
        messagesRepeated = CoreMetrics.Counter(label: Name.messagesRepeated, factory: factory)
        messagesBroadcast = CoreMetrics.Counter(label: Name.messagesBroadcast, factory: factory)
        deliveries = CoreMetrics.Counter(label: Name.deliveries, factory: factory)
        fanoutLatency = CoreMetrics.Timer(label: Name.fanoutLatency, factory: factory)
        storeWrite = CoreMetrics.Timer(label: Name.storeLatency, dimensions: [("operation", "write_messages")], factory: factory)
        storeRecentRead = CoreMetrics.Timer(label: Name.storeLatency, dimensions: [("operation", "recent_messages")], factory: factory)
        cacheAppend = CoreMetrics.Timer(label: Name.cacheLatency, dimensions: [("operation", "append")], factory: factory)
        cacheLookup = CoreMetrics.Timer(label: Name.cacheLatency, dimensions: [("operation", "lookup")], factory: factory)
        eventsPublished = CoreMetrics.Counter(label: Name.eventsPublished, factory: factory)
        eventsDropped = CoreMetrics.Counter(label: Name.eventsDropped, factory: factory)
        eventBufferDepth = Meter(label: Name.eventBufferDepth, factory: factory)
        eventPublishFailures = CoreMetrics.Counter(label: Name.eventPublishFailures, factory: factory)
        eventsConsumed = CoreMetrics.Counter(label: Name.eventsConsumed, factory: factory)
        cacheStale = CoreMetrics.Counter(label: Name.cacheStale, factory: factory)
        eventsRepublished = CoreMetrics.Counter(label: Name.eventsRepublished, factory: factory)
        eventsAlreadyBuffered = CoreMetrics.Counter(label: Name.eventsAlreadyBuffered, factory: factory)
        eventsDeadLettered = CoreMetrics.Counter(label: Name.eventsDeadLettered, factory: factory)
        notificationsStored = CoreMetrics.Counter(label: Name.notificationsStored, factory: factory)
        notificationsPushed = CoreMetrics.Counter(label: Name.notificationsPushed, factory: factory)
    }

    /// Metrics that go nowhere (tests, one-shot commands).
    public static let disabled = ChatMetrics(factory: NOOPMetricsHandler.instance)

    /// Messages moved to `archived_messages` by this process.
    public var messagesArchived: CoreMetrics.Counter { CoreMetrics.Counter(label: Name.messagesArchived, factory: factory) }

    /// Archived messages deleted past their retention by this process's scheduler.
    public var messagesExpired: CoreMetrics.Counter { CoreMetrics.Counter(label: Name.messagesExpired, factory: factory) }

    /// Archive and retention runs after which messages were still due (`EnforceLifecycle.Report.left`).
    public var lifecycleUnfinished: CoreMetrics.Counter { CoreMetrics.Counter(label: Name.lifecycleUnfinished, factory: factory) }

    /// Counts one scheduler task run by task and outcome (`ok`, `failed`, `skipped`: another runner had it).
    public func recordTaskRun(task: String, outcome: String) {
        CoreMetrics.Counter(label: Name.taskRuns, dimensions: [("task", task), ("outcome", outcome)], factory: factory).increment()
    }

    /// Counts one HTTP request by route template (never the raw path), method and status.
    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        CoreMetrics.Counter(label: Name.httpRequests, dimensions: dimensions, factory: factory).increment()
        CoreMetrics.Timer(label: Name.httpDuration, dimensions: dimensions, factory: factory).record(duration)
    }

    /// Runs `body` and records its duration on `timer` (also when it throws).
    @inlinable
    public static func time<T>(_ timer: CoreMetrics.Timer, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer { timer.record(ContinuousClock.now - start) }
        return try await body()
    }
}

extension CoreMetrics.Timer {
    /// Records a `Duration` (saturating at `Int64.max` nanoseconds).
    @inlinable
    public func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        recordNanoseconds(overflow ? Int64.max : nanos &+ attoseconds / 1_000_000_000)
    }
}
