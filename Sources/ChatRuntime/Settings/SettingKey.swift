import ChatBackends
import Configuration

/// One configuration setting: its key (dotted, as in the config file), where the
/// environment can set it, its default and whether it is a secret.
///
/// Every setting can be set by `CHATCTL_<KEY>` (dots and dashes become underscores,
/// upper-cased); some also by the Go system's variable names (`legacyEnvironment`).
public struct SettingKey: Sendable, Hashable {
    public let key: String
    public let type: ConfigType
    public let defaultValue: ConfigContent?
    public let isSecret: Bool
    /// The Go system's environment variable for this setting, if it had one.
    public let legacyEnvironment: String?
    /// The words a word setting takes, for messages (`Settings.validate` checks them).
    /// When they include `true` and `false`, a file may also give a boolean: such a
    /// setting was a bool before it gained another word (`rabbitmq.queue_durable`: auto).
    public let choices: [String]?
    public let help: String

    init(
        _ key: String, _ type: ConfigType, default defaultValue: ConfigContent?, secret: Bool = false, legacy: String? = nil,
        choices: [String]? = nil, help: String
    ) {
        self.key = key
        self.type = type
        self.defaultValue = defaultValue
        self.isSecret = secret
        self.legacyEnvironment = legacy
        self.choices = choices
        self.help = help
    }

    /// The built-in default as text, as the loader layers it (nil: no default).
    public var defaultText: String? { defaultValue.map(SettingsLoader.text) }

    /// The `CHATCTL_` environment variable for this setting.
    public var environmentName: String {
        "CHATCTL_" + key.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    public static let secretKey = SettingKey("secret_key", .string, default: nil, secret: true, legacy: "SECRET_KEY",
        help: "HMAC key signing the HS256 JWTs; the same value as the Go services' SECRET_KEY")
    public static let chatHost = SettingKey("chat.host", .string, default: .string("0.0.0.0"), help: "address the chat service listens on")
    public static let chatPort = SettingKey("chat.port", .int, default: .int(8000), help: "port of the chat service (REST + WebSocket)")
    public static let webClient = SettingKey("chat.web_client", .bool, default: .bool(true),
        help: "serve the browser client at / on the chat service (its page, script, style and /client-config.json); false: the API alone")
    public static let notifyHost = SettingKey("notify.host", .string, default: .string("0.0.0.0"), help: "address the notification service listens on")
    public static let notifyPort = SettingKey("notify.port", .int, default: .int(8080),
        help: "port of the notification service (WebSocket /ws/join-notification/ + REST /api/notifications/)")
    public static let notifyPublicURL = SettingKey("notify.public_url", .string, default: .string(""),
        help: "the notification service's WebSocket address as browsers reach it (ws:// or wss://host[:port][/path]), for the web client; empty: the page's own host on notify.port")
    public static let schedulerHost = SettingKey("scheduler.host", .string, default: .string("0.0.0.0"),
        help: "address of `serve scheduler`'s /healthz, /readyz and /metrics")
    public static let schedulerPort = SettingKey("scheduler.port", .int, default: .int(8090),
        help: "port of `serve scheduler`'s /healthz, /readyz and /metrics")
    public static let archiveEvery = SettingKey("scheduler.archive_every", .string, default: .string("1m"),
        help: "how often the scheduler archives old messages (90m, 12h, 1d…)")
    public static let archiveOlderThan = SettingKey("scheduler.archive_older_than", .string, default: .string("30d"),
        help: "messages older than this are archived by the scheduler (a duration); the default of rooms without their own (rooms set --archive-after)")
    public static let archiveBatchSize = SettingKey("scheduler.archive_batch_size", .int, default: .int(1000),
        help: "messages per archive batch")
    public static let reportEvery = SettingKey("scheduler.report_every", .string, default: .string("1h"),
        help: "how often the scheduler logs the old-message report")
    public static let retentionDefault = SettingKey("retention.default", .string, default: .string("none"),
        help: "how long archived messages are kept, counted from when they were posted, before the scheduler deletes them: a duration (365d, 52w…) or none (kept forever); the default of rooms without their own (rooms set --retention)")
    public static let dataDir = SettingKey("data_dir", .string, default: .string("data"),
        help: "directory of the embedded SQLite store (created on first run)")
    public static let mongoURI = SettingKey("mongo.uri", .string, default: nil, secret: true, legacy: "MONGO_URI",
        help: "MongoDB URI; when set, the store is MongoDB instead of SQLite")
    public static let mongoDatabase = SettingKey("mongo.database", .string, default: .string("chat_app"), legacy: "DATABASE_NAME",
        help: "MongoDB database name")
    public static let redisURI = SettingKey("redis.uri", .string, default: nil, secret: true, legacy: "REDIS_URI",
        help: "Redis as host:port or redis://[:password@]host:port/db; when set, cache, fan-out and revoked tokens use it")
    public static let rabbitMQURL = SettingKey("rabbitmq.url", .string, default: nil, secret: true, legacy: "RABBITMQ_URL",
        help: "RabbitMQ amqp://user:pass@host:port/vhost; when set, message events go to queue send_notification")
    public static let rabbitMQUsername = SettingKey("rabbitmq.username", .string, default: nil, legacy: "RABBITMQ_USERNAME",
        help: "RabbitMQ user, when the URL carries none")
    public static let rabbitMQPassword = SettingKey("rabbitmq.password", .string, default: nil, secret: true, legacy: "RABBITMQ_PASSWORD",
        help: "RabbitMQ password, when the URL carries none")
    public static let rabbitMQQueue = SettingKey("rabbitmq.queue", .string, default: .string("send_notification"),
        help: "queue of message events (the Go system's send_notification)")
    public static let rabbitMQQueueDurable = SettingKey("rabbitmq.queue_durable", .string, default: .string("auto"), choices: QueueDurability.choices,
        help: "auto: use the event queue as it exists (the Go services declare it non-durable), create it durable; true or false: require that durability, a queue with the other is an error")
    public static let cacheVerifyHistory = SettingKey("cache.verify_history", .string, default: .string("auto"), choices: AutoSwitch.choices,
        help: "check a cached room history against the store's newest message before serving it (one indexed read per join), so messages the Go chat service wrote are never missing: auto (on with MongoDB, the store Go writes), true or false")
    public static let rabbitMQBufferEvents = SettingKey("rabbitmq.buffer_events", .int, default: .int(10_000),
        help: "events held while RabbitMQ is unreachable before new ones are dropped (counted and logged)")
    public static let logLevel = SettingKey("log.level", .string, default: .string("info"), legacy: "LOG_LEVEL",
        help: "trace, debug, info, notice, warning, error or critical")
    public static let logFormat = SettingKey("log.format", .string, default: .string("logfmt"),
        help: "log lines on stderr: logfmt (key=value) or json (one object per line)")
    public static let shutdownTimeoutSeconds = SettingKey("shutdown.timeout_seconds", .int, default: .int(10),
        help: "on SIGTERM/SIGINT: seconds to close sockets (1001) and finish in-flight writes before forcing the exit")
    public static let maxFrameBytes = SettingKey("websocket.max_frame_bytes", .int, default: .int(64 * 1024),
        help: "largest WebSocket frame accepted, in bytes")
    public static let outboundBufferFrames = SettingKey("websocket.outbound_buffer_frames", .int, default: .int(1024),
        help: "frames buffered per socket while it joins (a socket more than 64 KB behind is closed as slow)")
    public static let allowedOrigins = SettingKey("websocket.allowed_origins", .string, default: .string(""),
        help: "comma-separated WebSocket Origins browsers may connect from (exact, e.g. https://chat.example.com); empty: any")
    public static let messageRateLimit = SettingKey("message_rate_limit", .double, default: .double(20),
        help: "messages a second one WebSocket may post (more get an error frame and are not stored); 0: no limit")
    public static let messageRateBurst = SettingKey("message_rate_burst", .int, default: .int(40),
        help: "messages one WebSocket may post at once above message_rate_limit")
    public static let resumeLimit = SettingKey("websocket.resume_limit", .int, default: .int(1000),
        help: "messages a client reconnecting with since=<id> may be sent; more (or an archived id) get a resync frame and the recent 50")
    public static let connectionsPerUser = SettingKey("limits.connections_per_user", .int, default: .int(20),
        help: "WebSockets (room and notification) one user may hold open on one node; more are refused with 429; 0: no limit")
    public static let roomsPerUser = SettingKey("limits.rooms_per_user", .int, default: .int(1000),
        help: "rooms one user may belong to; creating or joining one more is refused with 429; 0: no limit")
    public static let reportsPerHour = SettingKey("limits.reports_per_hour", .int, default: .int(10),
        help: "messages one user may report (POST /api/message/report/) in an hour on one node, all at once or spread out; more get 429; 0: no limit")
    public static let loginFailuresPerUser = SettingKey("login.failures_per_user", .int, default: .int(5),
        help: "failed logins for one username within login.window_seconds before more attempts get 429 (each failure slows the next); 0: no limit")
    public static let loginFailuresPerIP = SettingKey("login.failures_per_ip", .int, default: .int(50),
        help: "failed logins from one client address within login.window_seconds before more attempts get 429; 0: no limit")
    public static let loginWindowSeconds = SettingKey("login.window_seconds", .int, default: .int(900),
        help: "how long a failed login counts against its username and address")
    public static let tokenTTLSeconds = SettingKey("auth.token_ttl_seconds", .int, default: .int(Int(JWTTokenAuthority.goTokenLifetime.components.seconds)),
        help: "lifetime of issued tokens in seconds (the Go service: 12 hours)")
    public static let adminHost = SettingKey("admin.host", .string, default: .string("127.0.0.1"),
        help: "address of each serving process's operator API (chatctl's only, with operator tokens); loopback: reachable from the same host, a private address: from others")
    public static let adminPort = SettingKey("admin.port", .int, default: .int(0),
        help: "port of the operator API; 0 picks a free one (each process registers the port it got, where chatctl finds it)")

    /// Every setting, in the order `config show` prints them.
    public static let all: [SettingKey] = [
        secretKey, chatHost, chatPort, webClient, notifyHost, notifyPort, notifyPublicURL, schedulerHost, schedulerPort, archiveEvery, archiveOlderThan, archiveBatchSize, reportEvery, retentionDefault, dataDir, mongoURI, mongoDatabase, redisURI, rabbitMQURL, rabbitMQUsername,
        rabbitMQPassword, rabbitMQQueue, rabbitMQQueueDurable, rabbitMQBufferEvents, cacheVerifyHistory, logLevel, logFormat, shutdownTimeoutSeconds, maxFrameBytes, outboundBufferFrames, allowedOrigins, messageRateLimit, messageRateBurst,
        resumeLimit, connectionsPerUser, roomsPerUser, reportsPerHour, loginFailuresPerUser, loginFailuresPerIP, loginWindowSeconds, tokenTTLSeconds,
        adminHost, adminPort,
    ]
}
