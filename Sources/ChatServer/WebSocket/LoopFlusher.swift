import NIOCore

/// Flushes, once per event-loop turn, every room socket written to during it: when
/// messages arrive faster than sockets drain, the frames queued for one socket leave
/// in one write instead of one system call each.
///
/// The flush is a task queued behind the writes already queued on the loop, so a
/// lone message is flushed right after its writes (no timer, no added wait).
final class LoopFlusher: Sendable {
    let loop: any EventLoop
    private let state: NIOLoopBoundBox<State>

    private struct State {
        var dirty: [RoomConnection] = []
        var scheduled = false
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
        let dirty = state.value.dirty
        state.value = State()
        for connection in dirty { connection.flushWrites() }
    }
}
