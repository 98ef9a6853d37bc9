import Synchronization

/// Posts waiting for their event's broker confirmation, by ticket (the event's place in
/// the publish order): `confirmed(through:)` wakes every waiter up to that place.
final class ConfirmWaiters: Sendable {
    private struct State {
        var confirmedThrough = 0
        var nextID = 0
        var waiters: [Int: (ticket: Int, continuation: CheckedContinuation<Bool, Never>)] = [:]
    }

    private let state = Mutex(State())

    /// True once `ticket` is confirmed; false after `timeout` (or on cancellation).
    func wait(for ticket: Int, timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitUntilConfirmed(ticket) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Wakes the waiters whose tickets are at most `total`.
    func confirmed(through total: Int) {
        let ready = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.confirmedThrough = max(state.confirmedThrough, total)
            let due = state.waiters.filter { $0.value.ticket <= total }
            for id in due.keys { state.waiters[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    private func waitUntilConfirmed(_ ticket: Int) async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool? in
                    if state.confirmedThrough >= ticket { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = (ticket, continuation)
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(returning: false)
        }
    }
}
