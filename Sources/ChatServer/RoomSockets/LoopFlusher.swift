import NIOCore

/// Flushes, once per event-loop turn, every room socket written to during it: when
/// messages arrive faster than sockets drain, the frames queued for one socket leave
/// in one write instead of one system call each.
///
/// The flush goes to the back of the loop's queue twice: the first time behind the
/// writes already queued, the second behind the deliveries queued meanwhile (the rest
/// of a burst, which would otherwise each get a flush of their own). A lone message is
/// still flushed right after its writes: no timer, no added wait.
final class LoopFlusher: Sendable {
    let loop: any EventLoop
    private let state: NIOLoopBoundBox<State>

    private struct State {
        var dirty: [RoomConnection] = []
        var scheduled = false
        var deferred = false
    }

    init(loop: any EventLoop) {
        self.loop = loop
        self.state = .makeBoxSendingValue(State(), eventLoop: loop)
    }

    /// On the loop: `connection` was written to; flush it after this turn's writes.
    func needsFlush(_ connection: RoomConnection) {
        state.value.dirty.append(connection)
        guard !state.value.scheduled else { return }
        state.value.scheduled = true
        loop.execute { self.flushAll() }
    }

    private func flushAll() {
        // Once more to the back of the queue: deliveries queued behind the first write
        // of this turn (other messages of the same burst) join the same flush.
        if !state.value.deferred {
            state.value.deferred = true
            loop.execute { self.flushAll() }
            return
        }
        let dirty = state.value.dirty
        state.value = State()
        for connection in dirty { connection.flushWrites() }
    }
}
