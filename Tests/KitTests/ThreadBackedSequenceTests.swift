import ChatClient
import ChatTestSupport
import Foundation
import KitSupport
import Testing

@Suite("KitSupport: a blocking loop on its own thread as an AsyncSequence")
struct ThreadBackedSequenceTests {
    struct LoopFailed: Error, Equatable {
        let code: Int
    }

    /// A loop body that blocks until `stop()` wakes it, as a Kit's blocking C call does.
    static func blockUntilStopped(_ feed: ThreadBackedSequence<Int, Never>.Feed) {
        let wake = DispatchSemaphore(value: 0)
        guard feed.wakeOnStop({ _ = wake.signal() }) else { return }
        defer { feed.clearWake() }
        while !feed.isStopped { wake.wait() }
    }

    @Test("what the loop yields arrives in order; the sequence ends when the loop returns")
    func inOrder() async {
        let sequence = ThreadBackedSequence<Int, Never>(name: "test-in-order")
        sequence.startIfNeeded { feed in
            for number in 0..<1_000 { feed.yield(number) }
        }
        var received: [Int] = []
        for await number in sequence { received.append(number) }
        #expect(received == Array(0..<1_000))
    }

    @Test("cancelling the iterating task wakes and ends the loop and finishes the sequence")
    func cancellation() async throws {
        let sequence = ThreadBackedSequence<Int, Never>(name: "test-cancellation")
        let ended = DispatchSemaphore(value: 0)
        sequence.startIfNeeded { feed in
            feed.yield(1)
            Self.blockUntilStopped(feed)
            ended.signal()
        }
        let queue = TimedQueue<Int>()
        let task = Task {
            for await number in sequence { await queue.push(number) }
            await queue.finish()
        }
        #expect(await queue.next(timeout: .seconds(Patience.seconds)) == .item(1))
        task.cancel()
        #expect(await queue.next(timeout: .seconds(Patience.seconds)) == .closed)
        #expect(try await waitUntil { ended.wait(timeout: .now()) == .success }, "the loop's thread returned")
        await task.value
    }

    @Test("stop() wakes the loop and finishes the sequence; starting again does nothing")
    func stop() async throws {
        let sequence = ThreadBackedSequence<Int, Never>(name: "test-stop")
        let ended = DispatchSemaphore(value: 0)
        sequence.startIfNeeded { feed in
            feed.yield(1)
            Self.blockUntilStopped(feed)
            ended.signal()
        }
        var iterator = sequence.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == 1)
        sequence.stop()
        let afterStop = await iterator.next()
        #expect(afterStop == nil)
        #expect(try await waitUntil { ended.wait(timeout: .now()) == .success }, "the loop's thread returned")
        sequence.startIfNeeded { feed in feed.yield(2) }
        let afterRestart = await iterator.next()
        #expect(afterRestart == nil)
    }

    @Test("an error thrown by the loop finishes the sequence with that error, after what it yielded")
    func failure() async {
        let sequence = ThreadBackedSequence<Int, LoopFailed>(name: "test-failure")
        sequence.startIfNeeded { (feed) throws(LoopFailed) in
            feed.yield(1)
            feed.yield(2)
            throw LoopFailed(code: 7)
        }
        var received: [Int] = []
        var thrown: LoopFailed?
        do throws(LoopFailed) {
            for try await number in sequence { received.append(number) }
        } catch {
            thrown = error
        }
        #expect(received == [1, 2])
        #expect(thrown == LoopFailed(code: 7))
    }

    @Test("retryUntilStopped tries again, with backoff, after each attempt that ends, until stopped")
    func retry() async {
        let sequence = ThreadBackedSequence<Int, Never>(name: "test-retry")
        sequence.startIfNeeded { feed in
            var attempts = 0
            feed.retryUntilStopped { connected in
                attempts += 1
                feed.yield(attempts)
                guard attempts == 3 else { return }
                connected()
                Self.blockUntilStopped(feed)
            }
        }
        var iterator = sequence.makeAsyncIterator()
        var attempts: [Int] = []
        for _ in 0..<3 {
            if let attempt = await iterator.next() { attempts.append(attempt) }
        }
        #expect(attempts == [1, 2, 3])
        sequence.stop()
        let afterStop = await iterator.next()
        #expect(afterStop == nil)
    }
}
