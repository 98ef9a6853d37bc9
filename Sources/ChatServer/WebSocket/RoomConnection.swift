import ChatCore
import NIOCore
import Synchronization

/// One socket's place in a room: a bounded outbound buffer that the room fills
/// without waiting, drained by the socket's own writer task.
///
/// When a slow client lets the buffer overflow, the connection is marked and its
/// writer closes the socket: a slow socket never slows the room.
final class RoomConnection: Sendable {
    /// One queued frame; `messageID` lets the writer skip live copies of messages
    /// already sent in the join's history frame.
    struct Frame: Sendable {
        var messageID: ObjectID?
        var buffer: ByteBuffer
    }

    let roomID: ObjectID
    let userID: ObjectID
    let frames: AsyncStream<Frame>
    private let continuation: AsyncStream<Frame>.Continuation
    private let overflowed = Atomic<Bool>(false)
    /// Drain bookkeeping: a post in flight is finished before the socket goes away.
    private let drain = Mutex(DrainState())

    private struct DrainState {
        var goingAway = false
        var posting = false
        /// Set when the user's session ended (disabled, deleted, password changed).
        var sessionEndReason: String?
    }
    /// Finished on overflow or when the connection ends.
    private let overflowSignal: AsyncStream<Void>
    private let overflowContinuation: AsyncStream<Void>.Continuation

    init(roomID: ObjectID, userID: ObjectID, capacity: Int) {
        self.roomID = roomID
        self.userID = userID
        (frames, continuation) = AsyncStream.makeStream(of: Frame.self, bufferingPolicy: .bufferingOldest(capacity))
        (overflowSignal, overflowContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// Queues a frame; never waits. Returns false once the buffer has overflowed.
    @discardableResult
    func enqueue(_ frame: Frame) -> Bool {
        switch continuation.yield(frame) {
        case .enqueued: return true
        case .dropped:
            overflowed.store(true, ordering: .relaxed)
            continuation.finish()
            overflowContinuation.finish()
            return false
        case .terminated: return false
        @unknown default: return false
        }
    }

    /// Whether the buffer overflowed (the writer then closes the socket).
    var hasOverflowed: Bool { overflowed.load(ordering: .relaxed) }

    /// Returns once the buffer has overflowed or the connection has finished (not when
    /// only the outbound stream ended for a drain).
    func waitForOverflow() async {
        for await _ in overflowSignal {}
    }

    /// Starts a post from this socket; false once the server is going away (the post
    /// must not start). Pair with `endPost()`.
    func beginPost() -> Bool {
        drain.withLock { state in
            guard !state.goingAway else { return false }
            state.posting = true
            return true
        }
    }

    /// Ends a post; if the server started going away meanwhile, the outbound stream
    /// ends now (after the frames already queued).
    func endPost() {
        let finishNow = drain.withLock { state in
            state.posting = false
            return state.goingAway
        }
        if finishNow { continuation.finish() }
    }

    /// The server is shutting down: no new posts; the outbound stream ends once the
    /// post in flight (if any) is done, and the socket then closes with 1001.
    func goAway() {
        let finishNow = drain.withLock { state in
            state.goingAway = true
            return !state.posting
        }
        if finishNow { continuation.finish() }
    }

    /// Whether `goAway()` or `endSession(reason:)` was called.
    var isGoingAway: Bool { drain.withLock { $0.goingAway } }

    /// The user's session ended: like `goAway()` (the post in flight finishes, queued
    /// frames are flushed), but the socket then closes with 1008 and `reason`.
    func endSession(reason: String) {
        let finishNow = drain.withLock { state in
            state.goingAway = true
            state.sessionEndReason = reason
            return !state.posting
        }
        if finishNow { continuation.finish() }
    }

    /// Why the session ended, when it did.
    var sessionEndReason: String? { drain.withLock { $0.sessionEndReason } }

    /// Ends the outbound stream (the socket is going away).
    func finish() {
        continuation.finish()
        overflowContinuation.finish()
    }
}
