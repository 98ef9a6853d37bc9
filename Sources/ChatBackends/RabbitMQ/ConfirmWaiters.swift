import NIOCore
import NIOPosix
import Synchronization

/// Posts waiting for their event's broker confirmation, by ticket (the event's place in
/// the publish order): `confirmed(through:)` wakes every waiter up to that place.
///
/// A waiter is one continuation and one timer on an event loop (no task of its own):
/// whichever comes first — the confirmation, the timeout or cancellation — resumes it,
/// exactly once.
final class ConfirmWaiters: Sendable {
    private struct Waiter {
        var ticket: Int
        var continuation: CheckedContinuation<Bool, Never>
        var timer: Scheduled<Void>?
    }

    private struct State {
        var confirmedThrough = 0
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
    }

    private let state = Mutex(State())
    private let timers: any EventLoopGroup

    init(timers: any EventLoopGroup = NIOSingletons.posixEventLoopGroup) {
        self.timers = timers
    }

    /// Posts waiting now (for tests).
    var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// True once `ticket` is confirmed; false after `timeout` (or on cancellation).
    func wait(for ticket: Int, timeout: Duration) async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool? in
                    if state.confirmedThrough >= ticket { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = Waiter(ticket: ticket, continuation: continuation)
                    return nil
                }
                if let resumeNow {
                    continuation.resume(returning: resumeNow)
                    return
                }
                let timer = timers.next().scheduleTask(in: TimeAmount(timeout)) { [self] in resume(id, with: false) }
                // Kept only if the waiter is still there; otherwise it was resumed already.
                let stillWaiting = state.withLock { state -> Bool in
                    guard state.waiters[id] != nil else { return false }
                    state.waiters[id]?.timer = timer
                    return true
                }
                if !stillWaiting { timer.cancel() }
            }
        } onCancel: {
            resume(id, with: false)
        }
    }

    /// Wakes the waiters whose tickets are at most `total`.
    func confirmed(through total: Int) {
        let ready = state.withLock { state -> [Waiter] in
            state.confirmedThrough = max(state.confirmedThrough, total)
            let due = state.waiters.filter { $0.value.ticket <= total }
            for id in due.keys { state.waiters[id] = nil }
            return Array(due.values)
        }
        for waiter in ready {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: true)
        }
    }

    /// Resumes one waiter (timeout or cancellation) if it is still waiting.
    private func resume(_ id: Int, with result: Bool) {
        guard let waiter = state.withLock({ $0.waiters.removeValue(forKey: id) }) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: result)
    }
}
