import ChatCore

extension RoomConnection {
    /// Why the server closes a socket that still reads, and so the close frame it gets.
    enum Farewell: Equatable, Sendable {
        /// The server is draining: 1001 "server shutting down".
        case goingAway
        /// The user's session ended: 1008 with `reason`.
        case sessionEnded(reason: String)
        /// The node drains gently (`chatctl nodes drain`): a `reconnect` frame naming the
        /// last message the socket was sent, then 1012 "node draining".
        case reconnect

        /// A second request to close, before the close frame is written: a session end
        /// replaces what was asked before (the last reason wins), a drain (either kind)
        /// changes nothing.
        func followed(by next: Farewell) -> Farewell {
            if case .sessionEnded = next { return next }
            return self
        }

        /// The session-end reason, when that is why the socket closes.
        var sessionEndReason: String? {
            guard case .sessionEnded(let reason) = self else { return nil }
            return reason
        }
    }

    /// Where the room's frames go while the socket is not closed.
    enum Delivery: Sendable {
        /// The history frame is not written yet: the room's frames wait here, in order.
        case buffering([Frame])
        /// The history frame is written: frames go straight to the channel, except live
        /// copies of the messages it already had.
        case live(alreadySent: Set<ObjectID>)

        /// Appends to the join buffer (nothing once live).
        mutating func append(_ frame: Frame) {
            guard case .buffering(var frames) = self else { return }
            // Let go of the array first, so that it has one owner and the append does
            // not copy it (a join may buffer `outboundBufferFrames` frames).
            self = .live(alreadySent: [])
            frames.append(frame)
            self = .buffering(frames)
        }
    }

    /// What `writeNow` may do with a frame, on the event loop.
    enum WriteAdmission: Sendable {
        case write
        /// Not written: the socket is closed, or the history frame already had the message.
        case skip
        /// Not written: the channel stopped being writable and the socket is now closed;
        /// `closeNow`: the caller schedules the close.
        case overflowed(closeNow: Bool)
    }

    /// The states a room socket can be in, from the upgrade to the end.
    ///
    /// Until it is closed a socket has a `Delivery` (buffering during the join, then
    /// live), and frames keep going out even while it is asked to close: the close frame
    /// follows the frames already handed to the event loop. A drain or a session end
    /// waits for the post in flight, if any. Every transition is a method here, run under
    /// the connection's lock; the ones that return `true` (or `closeNow`) leave it to the
    /// caller to schedule the close on the event loop, which happens once per socket.
    ///
    ///     open ⇄ posting
    ///     open    ── drain / reconnect / session end ──▶ closing ── event loop ──▶ closed
    ///     posting ── drain / reconnect / session end ──▶ finishingPost ── post ends ──▶ closing
    ///     any     ── overflow / channel closed / close frame sent ──▶ closed
    enum State: Sendable {
        /// Open, no post from this socket in flight.
        case open(Delivery)
        /// Open, a post from this socket in flight.
        case posting(Delivery)
        /// Asked to close while a post was in flight: no new post starts, and the socket
        /// closes once this one ends (`endPost()`).
        case finishingPost(Delivery, Farewell)
        /// Its close is scheduled on the event loop, behind the frames already handed to
        /// it; those still go out.
        case closing(Delivery, Farewell)
        /// No more frames. `overflowed`: it fell behind (it is closed without a close
        /// frame, which would not reach it). `farewell`: a drain or session end asked
        /// for before or after, which refuses new posts and names the reason in the log;
        /// with neither, the channel closed by itself.
        case closed(overflowed: Bool, farewell: Farewell?)

        /// A new socket: registered, its history frame not written yet.
        static let joining = State.open(.buffering([]))

        /// The socket fell too far behind (and is closed).
        var hasOverflowed: Bool {
            guard case .closed(overflowed: true, _) = self else { return false }
            return true
        }

        /// Frames waiting in the join buffer (0 once live or closed).
        var bufferedFrames: Int {
            switch self {
            case .open(.buffering(let frames)), .posting(.buffering(let frames)),
                .finishingPost(.buffering(let frames), _), .closing(.buffering(let frames), _):
                frames.count
            case .open(.live), .posting(.live), .finishingPost(.live, _), .closing(.live, _), .closed:
                0
            }
        }

        /// The drain or session end the socket was asked to close for, if any.
        var farewell: Farewell? {
            switch self {
            case .open, .posting: nil
            case .finishingPost(_, let farewell), .closing(_, let farewell): farewell
            case .closed(_, let farewell): farewell
            }
        }

        /// Its close is scheduled already, or it is closed.
        private var closeRequested: Bool {
            switch self {
            case .open, .posting, .finishingPost: false
            case .closing, .closed: true
            }
        }

        // MARK: Frames

        /// Where `frame` goes: dropped once closed, to the channel once live, else into
        /// the join buffer; a full buffer overflows the socket.
        mutating func route(_ frame: Frame, bufferLimit: Int) -> (route: Route, closeNow: Bool) {
            let buffered: Int
            switch self {
            case .closed:
                return (.dropped, false)
            case .open(.live), .posting(.live), .finishingPost(.live, _), .closing(.live, _):
                return (.direct, false)
            case .open(.buffering(let frames)), .posting(.buffering(let frames)),
                .finishingPost(.buffering(let frames), _), .closing(.buffering(let frames), _):
                buffered = frames.count
            }
            guard buffered < bufferLimit else { return (.dropped, overflow()) }
            changeDelivery { $0.append(frame) }
            return (.buffered, false)
        }

        /// Whether `frame` is written now. `channelWritable` is asked last, only for a
        /// frame that would be written.
        mutating func admitWrite(_ frame: Frame, channelWritable: @autoclosure () -> Bool) -> WriteAdmission {
            switch self {
            case .closed:
                return .skip
            case .open(.live(let sent)), .posting(.live(let sent)), .finishingPost(.live(let sent), _), .closing(.live(let sent), _):
                if let id = frame.messageID, sent.contains(id) { return .skip }
            case .open(.buffering), .posting(.buffering), .finishingPost(.buffering, _), .closing(.buffering, _):
                break
            }
            guard channelWritable() else { return .overflowed(closeNow: overflow()) }
            return .write
        }

        /// The history frame is written: live from now on, skipping `alreadySent`.
        /// Returns the frames buffered meanwhile, to write first (none once closed).
        mutating func goLive(skipping alreadySent: Set<ObjectID>) -> [Frame] {
            var buffered: [Frame] = []
            changeDelivery { delivery in
                if case .buffering(let frames) = delivery { buffered = frames }
                delivery = .live(alreadySent: alreadySent)
            }
            return buffered
        }

        /// Overflowed (buffer full, or channel not writable): closed. True when the close
        /// is still to be scheduled (a close already scheduled finds it overflowed).
        private mutating func overflow() -> Bool {
            let closeNow = !closeRequested
            self = .closed(overflowed: true, farewell: farewell)
            return closeNow
        }

        /// Changes the delivery of a socket not closed yet, in place. The state holds a
        /// closed value meanwhile, so that the join buffer has one owner and changing it
        /// does not copy it; nobody sees that value (this runs under the lock).
        private mutating func changeDelivery(_ change: (inout Delivery) -> Void) {
            switch self {
            case .open(var delivery):
                self = .closed(overflowed: false, farewell: nil)
                change(&delivery)
                self = .open(delivery)
            case .posting(var delivery):
                self = .closed(overflowed: false, farewell: nil)
                change(&delivery)
                self = .posting(delivery)
            case .finishingPost(var delivery, let farewell):
                self = .closed(overflowed: false, farewell: nil)
                change(&delivery)
                self = .finishingPost(delivery, farewell)
            case .closing(var delivery, let farewell):
                self = .closed(overflowed: false, farewell: nil)
                change(&delivery)
                self = .closing(delivery, farewell)
            case .closed:
                break
            }
        }

        // MARK: Posts, drain and session end

        /// A post starts; false once the socket was asked to close (the post must not start).
        mutating func beginPost() -> Bool {
            switch self {
            case .open(let delivery):
                self = .posting(delivery)
                return true
            case .posting:
                return true
            case .finishingPost, .closing:
                return false
            case .closed(_, let farewell):
                // Closed by itself or overflowed: its queued posts still get stored.
                return farewell == nil
            }
        }

        /// A post ended; true when the socket was waiting for it to close.
        mutating func endPost() -> Bool {
            switch self {
            case .posting(let delivery):
                self = .open(delivery)
                return false
            case .finishingPost(let delivery, let farewell):
                self = .closing(delivery, farewell)
                return true
            case .open, .closing, .closed:
                return false
            }
        }

        /// Asked to reconnect elsewhere (a gentle drain): as `requestClose(.reconnect)`, but
        /// only a socket not asked to close yet, and one still joining (its history frame
        /// not out) only when `includingJoining`. `asked`: it was asked now; `closeNow`: the
        /// caller schedules the close.
        mutating func askToReconnect(includingJoining: Bool) -> (asked: Bool, closeNow: Bool) {
            switch self {
            case .open(let delivery), .posting(let delivery):
                if case .buffering = delivery, !includingJoining { return (false, false) }
                return (true, requestClose(.reconnect))
            case .finishingPost, .closing, .closed:
                return (false, false)
            }
        }

        /// Asked to close for `farewell`; true when the close is to be scheduled now (no
        /// post in flight and none scheduled yet).
        mutating func requestClose(_ farewell: Farewell) -> Bool {
            switch self {
            case .open(let delivery):
                self = .closing(delivery, farewell)
                return true
            case .posting(let delivery):
                self = .finishingPost(delivery, farewell)
                return false
            case .finishingPost(let delivery, let earlier):
                self = .finishingPost(delivery, earlier.followed(by: farewell))
                return false
            case .closing(let delivery, let earlier):
                // Not on the wire yet: the scheduled close reads the farewell when it runs.
                self = .closing(delivery, earlier.followed(by: farewell))
                return false
            case .closed(let overflowed, let earlier):
                self = .closed(overflowed: overflowed, farewell: earlier?.followed(by: farewell) ?? farewell)
                return false
            }
        }

        /// The channel closed (however it closed): no more frames. A close scheduled
        /// before still runs.
        mutating func channelClosed() {
            self = .closed(overflowed: hasOverflowed, farewell: farewell)
        }

        /// The socket's close frame is on the wire (a failed connection, the answer to
        /// the client's close, or the scheduled close): no more frames, as once the
        /// channel closed. A close scheduled before still runs (and sends nothing more).
        mutating func closeFrameSent() {
            channelClosed()
        }

        /// On the event loop, the scheduled close runs: closed from now on. Returns the
        /// close frame to send, or nil for an overflowed socket (closed without one), and
        /// `lastFrame`: whether a data frame may still precede it (no close frame is out
        /// yet and the channel has not closed).
        mutating func closeOnEventLoop() -> (farewell: Farewell?, lastFrame: Bool) {
            let lastFrame: Bool
            if case .closed = self { lastFrame = false } else { lastFrame = true }
            let overflowed = hasOverflowed
            let farewell = self.farewell
            self = .closed(overflowed: overflowed, farewell: farewell)
            if overflowed { return (nil, false) }
            // A close is scheduled only for an overflow or a farewell, so `?? .goingAway`
            // is never used; it keeps the old default (1001).
            return (farewell ?? .goingAway, lastFrame)
        }
    }
}
