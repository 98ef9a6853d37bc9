/// `chatctl bench idle`: what an idle WebSocket costs the server, from its resident
/// memory as N sockets join and go quiet.
///
/// The figure is the marginal cost: RSS growth over the second half of the sockets,
/// divided by their number. The first half pays one-time costs too (allocator arenas
/// and pools warming up), which the overall figure (`bytesPerConnectionOverall`) keeps.
public struct IdleBench: Sendable {
    public struct Report: Sendable, Encodable {
        public var clients: Int
        public var connected: Int
        public var serverRSSBeforeBytes: Int
        public var serverRSSHalfwayBytes: Int
        public var serverRSSAfterBytes: Int
        /// (RSS after − RSS halfway) / sockets of the second half.
        public var bytesPerConnection: Int
        /// (RSS after − RSS before) / sockets.
        public var bytesPerConnectionOverall: Int
        public var firstError: String?
    }

    let webSocketBase: String
    let rooms: [String]
    let tokens: [String]
    let serverPID: Int32
    let settle: Duration

    public init(webSocketBase: String, rooms: [String], tokens: [String], serverPID: Int32, settle: Duration = .seconds(2)) {
        self.webSocketBase = webSocketBase
        self.rooms = rooms
        self.tokens = tokens
        self.serverPID = serverPID
        self.settle = settle
    }

    public func run(progress: @Sendable (Int) -> Void = { _ in }) async throws -> Report {
        guard let before = ProcessStats.residentBytes(pid: serverPID) else { throw ChatClientError("cannot read /proc/\(serverPID)/status") }
        var sockets: [ChatSocket] = []
        var connected = 0
        var firstError: String?
        var halfway: (rss: Int, connected: Int)?
        let half = (tokens.count / 2 / 64) * 64
        for batch in stride(from: 0, to: tokens.count, by: 64) {
            if halfway == nil, batch >= half {
                try await Task.sleep(for: settle)
                halfway = (ProcessStats.residentBytes(pid: serverPID) ?? before, connected)
            }
            let opened = (batch..<min(batch + 64, tokens.count)).map { index in
                ChatSocket(url: "\(webSocketBase)/ws/join/?name=\(rooms[index % rooms.count])&token=\(tokens[index])")
            }
            for socket in opened {
                do {
                    _ = try await socket.next(within: .seconds(10), what: "the recent-messages frame")
                    connected += 1
                } catch {
                    if firstError == nil { firstError = "\(error)" }
                }
            }
            sockets += opened
            progress(connected)
        }
        try await Task.sleep(for: settle)
        guard let after = ProcessStats.residentBytes(pid: serverPID) else { throw ChatClientError("cannot read /proc/\(serverPID)/status") }
        for socket in sockets { await socket.close() }
        let middle = halfway ?? (before, 0)
        let secondHalf = connected - middle.connected
        return Report(
            clients: tokens.count, connected: connected, serverRSSBeforeBytes: before, serverRSSHalfwayBytes: middle.rss,
            serverRSSAfterBytes: after, bytesPerConnection: secondHalf > 0 ? (after - middle.rss) / secondHalf : 0,
            bytesPerConnectionOverall: connected > 0 ? (after - before) / connected : 0, firstError: firstError)
    }
}
