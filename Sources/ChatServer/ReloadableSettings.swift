import ChatCore

/// The chat and notification services' settings that a configuration reload changes
/// while they run. `LiveSettings` holds the ones in force, and every part of the servers
/// that reads one of these reads it there at the moment it needs it: the next frame, the
/// next upgrade, the next login. Everything else in `ChatServerSettings` is read once,
/// when the servers are built (an address, the frame size the WebSocket decoder was set
/// up with), and takes a restart to change.
public struct ReloadableSettings: Sendable, Equatable {
    /// WebSocket `Origin`s allowed to upgrade (exact match); empty: any. Checked at each upgrade.
    public var allowedOrigins: [String]
    /// Messages a second one room socket may post (0: no limit), and the burst allowed;
    /// open sockets take a change at their next frame.
    public var messageRateLimit: Double
    public var messageRateBurst: Int
    /// Frames buffered per room socket while it joins (sockets opened after a change).
    public var outboundBufferFrames: Int
    /// Messages a resuming client (`since=`) may be sent before it gets a resync instead.
    public var resumeLimit: Int
    /// WebSockets one user may hold open on a service (0: no limit); checked at each
    /// upgrade, so sockets already open above a lowered limit stay open.
    public var connectionsPerUser: Int
    /// Rooms one user may belong to (0: no limit).
    public var roomsPerUser: Int
    /// Failed-login limits (chat service), read at each login.
    public var loginPolicy: LoginThrottle.Policy

    public init(
        allowedOrigins: [String], messageRateLimit: Double, messageRateBurst: Int, outboundBufferFrames: Int, resumeLimit: Int,
        connectionsPerUser: Int, roomsPerUser: Int, loginPolicy: LoginThrottle.Policy
    ) {
        self.allowedOrigins = allowedOrigins
        self.messageRateLimit = messageRateLimit
        self.messageRateBurst = messageRateBurst
        self.outboundBufferFrames = outboundBufferFrames
        self.resumeLimit = resumeLimit
        self.connectionsPerUser = connectionsPerUser
        self.roomsPerUser = roomsPerUser
        self.loginPolicy = loginPolicy
    }
}
