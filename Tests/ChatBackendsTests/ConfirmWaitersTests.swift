@testable import ChatBackends
import ChatTestSupport
import Testing

/// Posts waiting for RabbitMQ's confirm: each resumed exactly once, by the confirm, its
/// timeout or cancellation, with nothing left waiting.
@Suite("confirm waiters")
struct ConfirmWaitersTests {
    @Test("a ticket already confirmed answers true at once")
    func alreadyConfirmed() async {
        let waiters = ConfirmWaiters()
        waiters.confirmed(through: 3)
        #expect(await waiters.wait(for: 2, timeout: .seconds(30)))
        #expect(waiters.waitingCount == 0)
    }

    @Test("a confirm wakes the tickets up to it and leaves the later ones waiting")
    func confirmWakesUpTo() async throws {
        let waiters = ConfirmWaiters()
        let early = Task { await waiters.wait(for: 1, timeout: .seconds(30)) }
        let late = Task { await waiters.wait(for: 5, timeout: .seconds(30)) }
        // Both must be waiting before the confirm (a task can be slow to start).
        let bothWaiting = try await waitUntil(every: .milliseconds(5)) { waiters.waitingCount == 2 }
        try #require(bothWaiting)
        waiters.confirmed(through: 2)
        #expect(await early.value)
        #expect(waiters.waitingCount == 1)
        waiters.confirmed(through: 5)
        #expect(await late.value)
        #expect(waiters.waitingCount == 0)
    }

    @Test("an unconfirmed ticket answers false after its timeout")
    func timesOut() async {
        let waiters = ConfirmWaiters()
        #expect(await waiters.wait(for: 1, timeout: .milliseconds(20)) == false)
        #expect(waiters.waitingCount == 0)
        // A confirm arriving afterwards finds nobody to resume.
        waiters.confirmed(through: 1)
    }

    @Test("cancelling the waiting task answers false")
    func cancelled() async throws {
        let waiters = ConfirmWaiters()
        let waiting = Task { await waiters.wait(for: 1, timeout: .seconds(30)) }
        let isWaiting = try await waitUntil(every: .milliseconds(5)) { waiters.waitingCount == 1 }
        try #require(isWaiting)
        waiting.cancel()
        #expect(await waiting.value == false)
        #expect(waiters.waitingCount == 0)
    }

    @Test("many concurrent waiters are each answered once")
    func many() async {
        let waiters = ConfirmWaiters()
        await withTaskGroup(of: Bool.self) { group in
            for ticket in 1...500 { group.addTask { await waiters.wait(for: ticket, timeout: .seconds(30)) } }
            group.addTask {
                for total in stride(from: 50, through: 500, by: 50) {
                    try? await Task.sleep(for: .milliseconds(2))
                    waiters.confirmed(through: total)
                }
                return true
            }
            var answers = 0
            for await answer in group where answer { answers += 1 }
            #expect(answers == 501)
        }
        #expect(waiters.waitingCount == 0)
    }
}
