/// What the server did in one case, as the raw client saw it.
struct ConformanceTranscript: Sendable {
    var handshake: RawWebSocket.Handshake
    /// The room socket's history frame came first, as it must (the notification socket
    /// has none).
    var historyReceived = false
    /// The server's frames after the history frame and before its close frame, its
    /// keepalive pings and the barrier's pong left out.
    var frames: [RawFrame] = []
    /// Frames that matched none of the answers the case expects.
    var unexpected: [RawFrame] = []
    /// Expected answers that did not come.
    var missing: [ConformanceAnswer] = []
    /// The pong of the runner's barrier ping came (everything answered at once came before it).
    var barrierAnswered = false
    /// The server's close frame.
    var close: RawFrame?
    /// Frames after the close frame (none may come but pings).
    var afterClose: [RawFrame] = []
    /// The server ended the TCP connection.
    var ended = false
    /// What the runner waited for in vain, if anything.
    var timedOut: String?
}
