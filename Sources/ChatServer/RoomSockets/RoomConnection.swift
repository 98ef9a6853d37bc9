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
    private let state: Mutex<State>
    /// The WebSocket encoder's place in the pipeline: pre-encoded frames are written just
    /// below it (set on the event loop when the socket goes live).
    private let encoderContext: NIOLoopBoundBox<ChannelHandlerContext?>
    /// Written but not flushed yet (so a `LoopFlusher` lists the socket once).
    private let flushPending: NIOLoopBoundBox<LoopFlag>

    private struct State {
        var buffered: [Frame] = []
        var bufferLimit: Int
        var live = false
        var alreadySent: Set<ObjectID> = []
        /// No more frames: overflowed, going away, session ended or finished.
        var closed = false
        var overflowed = false
        var goingAway = false
        var posting = false
        var sessionEndReason: String?
        /// `close()` ran (or the socket closed by itself).
        var closeRequested = false
    }

    init(roomID: ObjectID, userID: ObjectID, channel: any Channel, capacity: Int) {
        self.roomID = roomID
        self.userID = userID
        self.channel = channel
        self.state = Mutex(State(bufferLimit: capacity))
        self.encoderContext = .makeEmptyBox(valueType: ChannelHandlerContext.self, eventLoop: channel.eventLoop)
        self.flushPending = .makeBoxSendingValue(LoopFlag(), eventLoop: channel.eventLoop)
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
        let (route, overflowedNow) = state.withLock { state -> (Route, Bool) in
            if state.closed { return (.dropped, false) }
            if state.live { return (.direct, false) }
            guard state.buffered.count < state.bufferLimit else {
                state.overflowed = true
                state.closed = true
                return (.dropped, true)
            }
            state.buffered.append(frame)
            return (.buffered, false)
        }
        if overflowedNow { close() }
        return route
    }

    /// Sends one frame from anywhere (error frames from the socket's own reader).
    func send(_ frame: Frame) {
        if route(frame) == .direct {
            channel.eventLoop.execute { self.writeNow(frame, flush: true) }
        }
    }

    /// Writes a frame into the channel; on the channel's event loop only. Returns true
    /// when it was written and not flushed (the caller flushes: `flushWrites()`).
    @discardableResult
    func writeNow(_ frame: Frame, flush: Bool) -> Bool {
        channel.eventLoop.assertInEventLoop()
        let write = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            if let id = frame.messageID, state.alreadySent.contains(id) { return false }
            guard channel.isWritable else {
                state.overflowed = true
                state.closed = true
                return false
            }
            return true
        }
        guard write else {
            if state.withLock({ $0.overflowed }) { close() }
            return false
        }
        if let context = encoderContext.value {
            context.write(NIOAny(frame.wire), promise: nil)
        } else {
            // No encoder found in the pipeline (not expected): let it encode the frame.
            channel.write(WebSocketFrame(fin: true, opcode: .text, data: frame.buffer), promise: nil)
        }
        guard flush else { return !flushPending.value.swap(true) }
        flushWrites()
        return false
    }

    /// Flushes what `writeNow(_:flush: false)` wrote; on the channel's event loop.
    func flushWrites() {
        flushPending.value.swap(false)
        if let context = encoderContext.value { context.flush() } else { channel.flush() }
    }

    /// The history frame is written: from now on frames go straight to the channel,
    /// those buffered meanwhile first (minus the ones the history frame already had).
    func goLive(skipping alreadySent: Set<ObjectID>) {
        channel.eventLoop.execute {
            self.encoderContext.value = try? self.channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
            self.state.withLock { state in
                state.alreadySent = alreadySent
                state.live = true
            }
            self.flushBuffered()
        }
    }

    private func flushBuffered() {
        let frames = state.withLock { state -> [Frame] in
            defer { state.buffered = [] }
            return state.buffered
        }
        for frame in frames { writeNow(frame, flush: false) }
        if !frames.isEmpty { flushWrites() }
    }

    /// Whether the socket fell too far behind (it is then closed).
    var hasOverflowed: Bool { state.withLock { $0.overflowed } }

    // MARK: Drain and session end

    /// Starts a post from this socket; false once the socket is going away (the post
    /// must not start). Pair with `endPost()`.
    func beginPost() -> Bool {
        state.withLock { state in
            guard !state.goingAway else { return false }
            state.posting = true
            return true
        }
    }

    /// Ends a post; if the socket started going away meanwhile, it closes now.
    func endPost() {
        let closeNow = state.withLock { state in
            state.posting = false
            return state.goingAway
        }
        if closeNow { close() }
    }

    /// The server is shutting down: no new posts; once the post in flight (if any) is
    /// done, the socket closes with 1001 after what was already written.
    func goAway() { startClosing(sessionEndReason: nil) }

    /// The user's session ended: like `goAway()`, but the socket closes with 1008 and `reason`.
    func endSession(reason: String) { startClosing(sessionEndReason: reason) }

    /// No new posts; closes now, or when the post in flight ends (`endPost()`).
    private func startClosing(sessionEndReason reason: String?) {
        let closeNow = state.withLock { state in
            state.goingAway = true
            if let reason { state.sessionEndReason = reason }
            return !state.posting
        }
        if closeNow { close() }
    }

    var sessionEndReason: String? { state.withLock { $0.sessionEndReason } }

    /// The socket closed: no more frames.
    func finish() {
        state.withLock { state in
            state.closed = true
            state.closeRequested = true
        }
    }

    /// Closes the socket, once: an overflowed one at once (it does not read; a close
    /// frame would not reach it), otherwise with 1008 and the session-end reason or 1001
    /// "going away" — after the frames already handed to its event loop.
    private func close() {
        let first = state.withLock { state -> Bool in
            defer { state.closeRequested = true }
            return !state.closeRequested
        }
        guard first else { return }
        channel.eventLoop.execute {
            let (overflowed, reason) = self.state.withLock { state in
                state.closed = true
                return (state.overflowed, state.sessionEndReason)
            }
            if overflowed {
                self.channel.close(promise: nil)
            } else if let reason {
                ServerWebSocketHandler.close(self.channel, code: .policyViolation, reason: reason)
            } else {
                ServerWebSocketHandler.close(self.channel, code: .goingAway, reason: ServerWebSocketHandler.goingAwayReason)
            }
        }
    }
}
