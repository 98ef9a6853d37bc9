import ChatCore
import NIOCore
import NIOWebSocket
import Synchronization

/// One socket's place in a room.
///
/// Until its recent-messages frame is written the connection buffers the room's frames;
/// then it goes live and the hub writes frames straight into its channel on the
/// channel's own event loop (one task per event loop per message, no per-socket task
/// hop). A socket whose channel stops being writable — a client that does not read —
/// has overflowed: it gets nothing more and is closed. A slow socket never slows the
/// room. The drain and a session end close it too, once its post in flight is done.
final class RoomConnection: Sendable {
    /// One frame; `messageID` lets the socket skip live copies of messages already sent
    /// in the join's history frame. `wire` is the whole WebSocket frame, encoded once and
    /// shared by every socket it goes to.
    struct Frame: Sendable {
        var messageID: ObjectID?
        var buffer: ByteBuffer
        var wire: ByteBuffer

        init(messageID: ObjectID? = nil, buffer: ByteBuffer) {
            self.messageID = messageID
            self.buffer = buffer
            self.wire = FrameEncoder.wireFrame(buffer)
        }
    }

    let roomID: ObjectID
    let userID: ObjectID
    let channel: any Channel
    /// Its id, identity and frame counts for the operator API.
    let meter: ConnectionMeter
    /// Where the socket is between its upgrade and its end (`RoomConnection+State.swift`).
    private let state: Mutex<State>
    /// Frames buffered at most while it joins; one more overflows it.
    let bufferLimit: Int
    /// The WebSocket encoder's place in the pipeline: pre-encoded frames are written just
    /// below it (set on the event loop when the socket goes live).
    private let encoderContext: NIOLoopBoundBox<ChannelHandlerContext?>
    /// Written but not flushed yet (so a `LoopFlusher` lists the socket once).
    private let flushPending: NIOLoopBoundBox<LoopFlag>
    /// The id of the last message frame written to the socket (its history's newest
    /// included): where its client resumes (`since=`) after a gentle drain asked it to
    /// reconnect. One store per message frame written, on the event loop.
    private let lastMessageSent: NIOLoopBoundBox<ObjectID?>
    /// The `since` the socket joined with: where its client resumes if it was sent no
    /// message yet.
    let resumedAfter: ObjectID?

    /// - Parameter resumedAfter: the `since=` of the join, if it resumes.
    init(
        roomID: ObjectID, userID: ObjectID, username: String? = nil, channel: any Channel, capacity: Int, resumedAfter: ObjectID? = nil
    ) {
        self.roomID = roomID
        self.userID = userID
        self.channel = channel
        self.meter = ConnectionMeter(kind: .room, userID: userID, username: username, roomID: roomID, channel: channel)
        self.state = Mutex(State.joining)
        self.bufferLimit = capacity
        self.encoderContext = .makeEmptyBox(valueType: ChannelHandlerContext.self, eventLoop: channel.eventLoop)
        self.flushPending = .makeBoxSendingValue(LoopFlag(), eventLoop: channel.eventLoop)
        self.lastMessageSent = .makeEmptyBox(valueType: ObjectID.self, eventLoop: channel.eventLoop)
        self.resumedAfter = resumedAfter
    }

    // MARK: Frames

    /// Where a frame goes now.
    enum Route {
        /// Write it on the channel's event loop.
        case direct
        /// Kept until the socket goes live.
        case buffered
        /// Dropped: the socket is closing (or just overflowed its buffer).
        case dropped
    }

    /// Decides (atomically with going live) whether a frame is written now or kept.
    func route(_ frame: Frame) -> Route {
        let (route, closeNow) = state.withLock { $0.route(frame, bufferLimit: bufferLimit) }
        if closeNow { scheduleClose() }
        return route
    }

    /// Sends one frame from anywhere (error frames from the socket's own reader).
    func send(_ frame: Frame) {
        if route(frame) == .direct {
            channel.eventLoop.execute { self.writeNow(frame, flush: true) }
        }
    }

    /// Sends frames from anywhere, in order, with one flush (a room's moderation frames).
    func send(_ frames: [Frame]) {
        let direct = frames.filter { route($0) == .direct }
        guard !direct.isEmpty else { return }
        channel.eventLoop.execute {
            for frame in direct { self.writeNow(frame, flush: false) }
            self.flushWrites()
        }
    }

    /// Writes a frame into the channel; on the channel's event loop only. Returns true
    /// when it was written and not flushed (the caller flushes: `flushWrites()`).
    @discardableResult
    func writeNow(_ frame: Frame, flush: Bool) -> Bool {
        channel.eventLoop.assertInEventLoop()
        switch state.withLock({ $0.admitWrite(frame, channelWritable: channel.isWritable) }) {
        case .write:
            break
        case .skip:
            return false
        case .overflowed(let closeNow):
            if closeNow { scheduleClose() }
            return false
        }
        if let id = frame.messageID { lastMessageSent.value = id }
        put(frame)
        guard flush else { return !flushPending.value.swap(true) }
        flushWrites()
        return false
    }

    /// Writes a frame below the WebSocket encoder, unflushed, counted; on the event loop.
    private func put(_ frame: Frame) {
        // Counted before the write: whoever sees the frame arrive sees it counted.
        meter.countOut()
        if let context = encoderContext.value {
            context.write(NIOAny(frame.wire), promise: nil)
        } else {
            // No encoder found in the pipeline (not expected; or still joining): let it encode the frame.
            channel.write(WebSocketFrame(fin: true, opcode: .text, data: frame.buffer), promise: nil)
        }
    }

    /// Flushes what `writeNow(_:flush: false)` wrote; on the channel's event loop.
    func flushWrites() {
        flushPending.value.swap(false)
        if let context = encoderContext.value { context.flush() } else { channel.flush() }
    }

    /// The history frame is written: from now on frames go straight to the channel,
    /// those buffered meanwhile first (minus the ones the history frame already had).
    /// `newest`: the history's last message, where its client would resume (nil: none).
    func goLive(skipping alreadySent: Set<ObjectID>, newest: ObjectID? = nil) {
        channel.eventLoop.execute {
            if let newest { self.lastMessageSent.value = newest }
            self.encoderContext.value = try? self.channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
            let buffered = self.state.withLock { $0.goLive(skipping: alreadySent) }
            for frame in buffered { self.writeNow(frame, flush: false) }
            if !buffered.isEmpty { self.flushWrites() }
        }
    }

    /// Whether the socket fell too far behind (it is then closed).
    var hasOverflowed: Bool { state.withLock { $0.hasOverflowed } }

    /// The socket as the operator API shows it now: its meter, the frames waiting for its
    /// join and whether its channel takes writes (from any thread; no write is touched).
    func info() -> ConnectionInfo {
        let buffered = state.withLock { $0.bufferedFrames }
        return meter.info(buffered: buffered, writable: channel.isWritable)
    }

    // MARK: Drain and session end

    /// Starts a post from this socket; false once the socket is going away (the post
    /// must not start). Pair with `endPost()`.
    func beginPost() -> Bool {
        state.withLock { $0.beginPost() }
    }

    /// Ends a post; if the socket started going away meanwhile, it closes now.
    func endPost() {
        if state.withLock({ $0.endPost() }) { scheduleClose() }
    }

    /// The server is shutting down: no new posts; once the post in flight (if any) is
    /// done, the socket closes with 1001 after what was already written.
    func goAway() { requestClose(.goingAway) }

    /// The user's session ended: like `goAway()`, but the socket closes with 1008 and `reason`.
    func endSession(reason: String) { requestClose(.sessionEnded(reason: reason)) }

    /// The node drains gently: like `goAway()`, but the socket gets a `reconnect` frame
    /// with the id of the last message written to it, then closes with 1012. Only a socket
    /// not asked to close yet, and one still joining only when `includingJoining`;
    /// returns whether it was asked now.
    func askToReconnect(includingJoining: Bool) -> Bool {
        let (asked, closeNow) = state.withLock { $0.askToReconnect(includingJoining: includingJoining) }
        if closeNow { scheduleClose() }
        return asked
    }

    /// No new posts; closes now, or when the post in flight ends (`endPost()`).
    private func requestClose(_ farewell: Farewell) {
        if state.withLock({ $0.requestClose(farewell) }) { scheduleClose() }
    }

    /// Why the socket was asked to close, if a session end is why.
    var sessionEndReason: String? { state.withLock { $0.farewell?.sessionEndReason } }

    /// The socket closed: no more frames.
    func finish() {
        state.withLock { $0.channelClosed() }
    }

    /// The socket's close frame is out (its handler closed it, failed the connection or
    /// answered the client's close): no frame may follow it, so none is written from now
    /// on. Posts already queued from this socket are still stored.
    func closeFrameSent() {
        state.withLock { $0.closeFrameSent() }
    }

    /// Closes the socket, after the frames already handed to its event loop: an
    /// overflowed one at once (it does not read; a close frame would not reach it),
    /// otherwise with 1008 and the session-end reason, 1001 "going away", or the
    /// reconnect frame and 1012. The state asks for this once per socket; what to send is
    /// read when it runs, so a session end or an overflow arriving meanwhile still counts.
    private func scheduleClose() {
        channel.eventLoop.execute {
            let (farewell, lastFrame) = self.state.withLock { $0.closeOnEventLoop() }
            switch farewell {
            case nil:
                self.channel.close(promise: nil)
            case .sessionEnded(let reason)?:
                ServerWebSocketHandler.close(self.channel, code: .policyViolation, reason: reason)
            case .goingAway?:
                ServerWebSocketHandler.close(self.channel, code: .goingAway, reason: ServerWebSocketHandler.goingAwayReason)
            case .reconnect?:
                // Every message frame handed to the event loop before this was written (and
                // any after it is skipped: the socket is closed now), so `since` is exactly
                // the last message its client got.
                if lastFrame {
                    let since = self.lastMessageSent.value ?? self.resumedAfter
                    self.put(Frame(buffer: FrameEncoder.reconnectFrame(since: since, reason: ServerWebSocketHandler.reconnectReason)))
                }
                ServerWebSocketHandler.close(self.channel, code: ServerWebSocketHandler.reconnectCode, reason: ServerWebSocketHandler.reconnectReason)
            }
        }
    }
}
