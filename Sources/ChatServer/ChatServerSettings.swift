import ChatCore

/// The chat service's own knobs (address and limits), filled by ChatRuntime from configuration.
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
    /// Failed-login limits (chat service).
    public var loginPolicy: LoginThrottle.Policy
    /// How often every WebSocket gets a ping frame (keeps proxies from idling it out).
    public var pingInterval: Duration

    public init(
        host: String = "0.0.0.0", port: Int = 8000, maxFrameBytes: Int = 64 * 1024, outboundBufferFrames: Int = 1024,
        allowedOrigins: [String] = [], messageRateLimit: Double = 0, messageRateBurst: Int = 40, resumeLimit: Int = 1000,
        connectionsPerUser: Int = 0, roomsPerUser: Int = 0, loginPolicy: LoginThrottle.Policy = .off, pingInterval: Duration = .seconds(30)
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
        self.loginPolicy = loginPolicy
        self.pingInterval = pingInterval
    }
}
