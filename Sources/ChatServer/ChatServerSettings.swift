import ChatCore

/// The chat service's own knobs (address and limits), decoded by ChatRuntime from the
/// configuration (`Settings.chatServer`, `Settings.notifyServer`), whose `SettingKey`s
/// hold every default: nothing here has one of its own, so a test states what it
/// wants (`Settings.builtIn.chatServer` is what a user gets).
///
/// The limits and origins (`reloadable`) are the values the servers start with: once
/// they run, they read them from their `LiveSettings`, which a configuration reload
/// replaces.
public struct ChatServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Largest WebSocket frame (and reassembled message) accepted, in bytes.
    public var maxFrameBytes: Int
    /// Frames buffered per socket while it joins (once joined, a socket 64 KB behind is
    /// closed as slow).
    public var outboundBufferFrames: Int
    /// WebSocket `Origin`s allowed to upgrade (exact match); empty: any. A request
    /// without an `Origin` header (not a browser) is always allowed.
    public var allowedOrigins: [String]
    /// Messages a second one room socket may post (0: no limit), and the burst allowed.
    public var messageRateLimit: Double
    public var messageRateBurst: Int
    /// Messages a resuming client (`since=`) may be sent before it gets a resync instead.
    public var resumeLimit: Int
    /// WebSockets one user may hold open on this service (0: no limit).
    public var connectionsPerUser: Int
    /// Rooms one user may belong to (0: no limit).
    public var roomsPerUser: Int
    /// Messages one user may report in an hour on this node (0: no limit).
    public var reportsPerHour: Int
    /// Failed-login limits (chat service).
    public var loginPolicy: LoginThrottle.Policy
    /// How often every WebSocket gets a ping frame (keeps proxies from idling it out).
    public var pingInterval: Duration
    /// The browser client served at `/` (`chat.web_client`); nil: no page, the API alone.
    public var webClient: WebClientSettings?

    /// How often every WebSocket gets a ping frame unless told otherwise (not a setting:
    /// under the idle timeouts of common proxies).
    public static let defaultPingInterval: Duration = .seconds(30)

    public init(
        host: String, port: Int, maxFrameBytes: Int, outboundBufferFrames: Int, allowedOrigins: [String], messageRateLimit: Double,
        messageRateBurst: Int, resumeLimit: Int, connectionsPerUser: Int, roomsPerUser: Int, reportsPerHour: Int, loginPolicy: LoginThrottle.Policy,
        webClient: WebClientSettings?, pingInterval: Duration = Self.defaultPingInterval
    ) {
        self.host = host
        self.port = port
        self.maxFrameBytes = maxFrameBytes
        self.outboundBufferFrames = outboundBufferFrames
        self.allowedOrigins = allowedOrigins
        self.messageRateLimit = messageRateLimit
        self.messageRateBurst = messageRateBurst
        self.resumeLimit = resumeLimit
        self.connectionsPerUser = connectionsPerUser
        self.roomsPerUser = roomsPerUser
        self.reportsPerHour = reportsPerHour
        self.loginPolicy = loginPolicy
        self.pingInterval = pingInterval
        self.webClient = webClient
    }

    /// The part a configuration reload changes while the servers run.
    public var reloadable: ReloadableSettings {
        ReloadableSettings(
            allowedOrigins: allowedOrigins, messageRateLimit: messageRateLimit, messageRateBurst: messageRateBurst,
            outboundBufferFrames: outboundBufferFrames, resumeLimit: resumeLimit, connectionsPerUser: connectionsPerUser,
            roomsPerUser: roomsPerUser, loginPolicy: loginPolicy)
    }
}
