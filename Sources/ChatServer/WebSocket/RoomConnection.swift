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

    /// Returns once the buffer has overflowed or the connection has finished.
    func waitForOverflow() async {
        for await _ in overflowSignal {}
    }

    /// Ends the outbound stream (the socket is going away).
    func finish() {
        continuation.finish()
        overflowContinuation.finish()
    }
}
