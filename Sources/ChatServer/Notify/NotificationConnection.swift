import ChatCore
import NIOCore
import NIOWebSocket
import Synchronization

/// One notification socket: the hub writes each frame straight into its channel on
/// the channel's event loop. A socket whose channel stops being writable (a client
/// that does not read) is closed; its notifications are stored anyway.
final class NotificationConnection: WebSocketSession {
    let receiverID: ObjectID
    let channel: any Channel
    /// Its id, identity and frame counts for the operator API.
    let meter: ConnectionMeter
    private let hub: NotificationHub
    private let state = Mutex(State.open)

    /// The states a notification socket can be in.
    private enum State {
        /// Frames are written.
        case open
        /// Its close frame is asked for (drain or session end): frames already handed to
        /// the event loop still go out, new ones are refused.
        case closing
        /// No more frames: the channel closed, its close frame is out, or it stopped
        /// being writable and is being closed without a close frame.
        case closed
    }

    init(receiverID: ObjectID, username: String? = nil, channel: any Channel, hub: NotificationHub) {
        self.receiverID = receiverID
        self.channel = channel
        self.meter = ConnectionMeter(kind: .notify, userID: receiverID, username: username, roomID: nil, channel: channel)
        self.hub = hub
    }

    /// The socket as the operator API shows it now: nothing waits in it (frames go
    /// straight to the channel), so its backlog is whether the channel takes writes.
    func info() -> ConnectionInfo {
        meter.info(buffered: 0, writable: channel.isWritable)
    }

    /// Writes a frame (from any thread) unless the socket is closing; false if it is.
    func enqueue(_ frame: ByteBuffer) -> Bool {
        guard state.withLock({ $0 == .open }) else { return false }
        channel.eventLoop.execute {
            enum Outcome { case write, overflow, skip }
            let outcome = self.state.withLock { state -> Outcome in
                guard state != .closed else { return .skip }
                guard self.channel.isWritable else {
                    state = .closed
                    return .overflow
                }
                return .write
            }
            switch outcome {
            case .write:
                self.meter.countOut()
                self.channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: frame), promise: nil)
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

    /// The node drains gently: after the queued frames, a `reconnect` frame (no `since`:
    /// missed notifications are listed by `GET /api/notifications/`), then 1012. Only a
    /// socket not asked to close yet; returns whether it was asked now.
    @discardableResult
    func askToReconnect() -> Bool {
        guard beginClosing() else { return false }
        let frame = FrameEncoder.reconnectFrame(since: nil, reason: ServerWebSocketHandler.reconnectReason)
        channel.eventLoop.execute {
            // No data frame after a close frame: one may be out already (the client closed).
            if self.state.withLock({ $0 == .closing }) {
                self.meter.countOut()
                self.channel.write(WebSocketFrame(fin: true, opcode: .text, data: frame), promise: nil)
            }
            ServerWebSocketHandler.close(self.channel, code: ServerWebSocketHandler.reconnectCode, reason: ServerWebSocketHandler.reconnectReason)
        }
        return true
    }

    private func close(code: WebSocketErrorCode, reason: String) {
        if beginClosing() { ServerWebSocketHandler.close(channel, code: code, reason: reason) }
    }

    /// Open → closing: new frames are refused from now on. False when it was not open.
    private func beginClosing() -> Bool {
        state.withLock { state -> Bool in
            guard state == .open else { return false }
            state = .closing
            return true
        }
    }

    // Messages from the client are ignored (the socket is for pushing), only counted.
    func received(text: String) { meter.countIn() }
    func receivedBinary() { meter.countIn() }

    /// Frames handed to the event loop before this are dropped too: none may follow the
    /// close frame.
    func closeStarted() {
        state.withLock { $0 = .closed }
    }

    func socketClosed() {
        state.withLock { $0 = .closed }
        hub.unregister(self)
    }
}
