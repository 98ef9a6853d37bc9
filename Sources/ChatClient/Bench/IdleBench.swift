/// `chatctl bench idle`: what an idle WebSocket costs the server, from its resident
/// memory before and after N sockets joined and went quiet.
public struct IdleBench: Sendable {
    public struct Report: Sendable, Encodable {
        public var clients: Int
        public var connected: Int
        public var serverRSSBeforeBytes: Int
        public var serverRSSAfterBytes: Int
        public var bytesPerConnection: Int
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
        for batch in stride(from: 0, to: tokens.count, by: 64) {
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
        return Report(
            clients: tokens.count, connected: connected, serverRSSBeforeBytes: before, serverRSSAfterBytes: after,
            bytesPerConnection: connected > 0 ? (after - before) / connected : 0, firstError: firstError)
    }
}
