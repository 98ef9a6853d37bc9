import ChatCore
import NIOCore
import NIOWebSocket
import Synchronization

/// This node's notification sockets, by receiver. Pushing never waits: each frame is
/// written into the socket's channel, and a socket whose channel backs up is closed
/// (its notifications are stored anyway and listed by `GET /api/notifications/`).
public final class NotificationHub: NotificationPusher, DrainableHub, SessionEndingHub {
    private struct State {
        var sockets: [ObjectID: [ObjectIdentifier: NotificationConnection]] = [:]
        var draining = false
    }

    private let state = Mutex(State())
    private let metrics: ChatMetrics

    public init(metrics: ChatMetrics = .disabled) {
        self.metrics = metrics
    }

    func register(_ connection: NotificationConnection) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.draining else { return false }
            state.sockets[connection.receiverID, default: [:]][ObjectIdentifier(connection)] = connection
            return true
        }
        if accepted { metrics.connectionsOpen.increment() }
        return accepted
    }

    func unregister(_ connection: NotificationConnection) {
        let removed = state.withLock { state -> Bool in
            guard state.sockets[connection.receiverID]?.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return false }
            if state.sockets[connection.receiverID]?.isEmpty == true { state.sockets[connection.receiverID] = nil }
            return true
        }
        if removed { metrics.connectionsOpen.decrement() }
    }

    /// Sockets open on this node.
    public var totalConnections: Int { state.withLock { $0.sockets.values.reduce(0) { $0 + $1.count } } }

    /// Refuses new sockets and closes the open ones with 1001; returns how many were open.
    @discardableResult
    public func drain() -> Int {
        let open = state.withLock { state -> [NotificationConnection] in
            state.draining = true
            return state.sockets.values.flatMap(\.values)
        }
        for connection in open { connection.goAway() }
        return open.count
    }

    @discardableResult
    public func endSessions(ofUser userID: ObjectID, reason: String) -> Int {
        let sockets = state.withLock { $0.sockets[userID].map { Array($0.values) } ?? [] }
        for connection in sockets { connection.endSession(reason: reason) }
        return sockets.count
    }

    public func push(_ notifications: [ChatNotification]) -> Int {
        var queued = 0
        for notification in notifications {
            let targets = state.withLock { $0.sockets[notification.receiverID].map { Array($0.values) } ?? [] }
            guard !targets.isEmpty else { continue }
            let frame = ByteBuffer(bytes: NotificationFrame.encode(notification))
            for connection in targets where connection.enqueue(frame) { queued += 1 }
        }
        return queued
    }
}

/// One notification socket: the hub writes each frame straight into its channel on
/// the channel's event loop. A socket whose channel stops being writable (a client
/// that does not read) is closed; its notifications are stored anyway.
final class NotificationConnection: WebSocketSession {
    let receiverID: ObjectID
    let channel: any Channel
    private let hub: NotificationHub
    private let state = Mutex(State())

    private struct State {
        var closed = false
        var goingAway = false
    }

    init(receiverID: ObjectID, channel: any Channel, hub: NotificationHub) {
        self.receiverID = receiverID
        self.channel = channel
        self.hub = hub
    }

    /// Writes a frame (from any thread) unless the socket is closing; false if it is.
    func enqueue(_ frame: ByteBuffer) -> Bool {
        guard !state.withLock({ $0.closed || $0.goingAway }) else { return false }
        channel.eventLoop.execute {
            enum Outcome { case write, overflow, skip }
            let outcome = self.state.withLock { state -> Outcome in
                guard !state.closed else { return .skip }
                guard self.channel.isWritable else {
                    state.closed = true
                    return .overflow
                }
                return .write
            }
            switch outcome {
            case .write: self.channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: frame), promise: nil)
            case .overflow: self.channel.close(promise: nil)
            case .skip: break
            }
        }
        return true
    }

    /// Closes with 1001 after the frames already queued.
    func goAway() { close(code: .goingAway, reason: ServerWebSocketHandler.goingAwayReason) }

    /// The user's session ended: closes with 1008 and `reason` after the queued frames.
    func endSession(reason: String) { close(code: .policyViolation, reason: reason) }

    private func close(code: WebSocketErrorCode, reason: String) {
        let first = state.withLock { state -> Bool in
            defer { state.goingAway = true }
            return !state.goingAway && !state.closed
        }
        if first { ServerWebSocketHandler.close(channel, code: code, reason: reason) }
    }

    // Messages from the client are ignored: the socket is for pushing.
    func received(text: String) {}
    func receivedBinary() {}

    func socketClosed() {
        state.withLock { $0.closed = true }
        hub.unregister(self)
    }
}
