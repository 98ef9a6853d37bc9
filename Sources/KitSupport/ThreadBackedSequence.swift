import Foundation
import Synchronization

/// A blocking loop on a dedicated thread, as an `AsyncSequence` of what it yields.
///
/// For C calls that block for as long as they wait (a consume, a SUBSCRIBE), which
/// belong neither on an event loop nor on Swift's cooperative pool.
/// `startIfNeeded(_:)` runs the loop on a new thread, once; the loop yields elements
/// through its `Feed`, and they wait in the stream's buffer (`bufferingPolicy`) until
/// they are iterated.
///
/// `stop()` (or the end of the iteration, as when its task is cancelled) marks the
/// loop stopped, calls the wake the loop registered with `Feed.wakeOnStop(_:)` (say, a
/// `shutdown(2)` of the socket it blocks on) and finishes the sequence at once; the
/// loop then sees `Feed.isStopped` and returns. When the loop returns, the sequence
/// finishes; when it throws before any `stop()`, the sequence finishes with that
/// error. With a `LoopError` of `Never` the sequence cannot fail.
public final class ThreadBackedSequence<Element: Sendable, LoopError: Error>: AsyncSequence, Sendable {
    public typealias Failure = LoopError
    /// The loop: runs on the thread until it returns or throws; it should return soon
    /// after `Feed.isStopped` turns true.
    public typealias Loop = @Sendable (Feed) throws(LoopError) -> Void

    private let name: String
    fileprivate let elements: AsyncStream<Element>
    fileprivate let continuation: AsyncStream<Element>.Continuation
    fileprivate let state = Mutex(State())

    fileprivate struct State {
        var started = false
        var stopped = false
        /// Ends the loop's blocking call; registered by the loop while it blocks.
        var wake: (@Sendable () -> Void)?
        /// Why the loop ended, when it threw before any `stop()`.
        var failure: LoopError?
    }

    /// - Parameters:
    ///   - name: the thread's name (as debuggers and `top -H` show it).
    ///   - bufferingPolicy: what the stream keeps of the elements not yet iterated.
    public init(name: String, bufferingPolicy: AsyncStream<Element>.Continuation.BufferingPolicy = .unbounded) {
        self.name = name
        (elements, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: bufferingPolicy)
    }

    /// Runs `loop` on a new thread, unless the sequence was started or stopped before
    /// (then it does nothing: the first loop is the only one).
    public func startIfNeeded(_ loop: @escaping Loop) {
        let start = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started && !state.stopped
        }
        guard start else { return }
        let thread = Thread { [self] in run(loop) }
        thread.name = name
        thread.start()
        continuation.onTermination = { [weak self] _ in self?.stop() }
    }

    /// Ends the loop and the sequence: marks the loop stopped, wakes it and finishes
    /// the stream. From any thread, as often as you like.
    public func stop() {
        let wake = state.withLock { state -> (@Sendable () -> Void)? in
            state.stopped = true
            return state.wake
        }
        wake?()
        continuation.finish()
    }

    /// Iterates what the loop yields; see `Iterator`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(elements: elements.makeAsyncIterator(), sequence: self)
    }

    fileprivate var isStopped: Bool { state.withLock { $0.stopped } }

    fileprivate var failure: LoopError? { state.withLock { $0.failure } }

    private func run(_ loop: Loop) {
        do throws(LoopError) {
            try loop(Feed(sequence: self))
        } catch {
            state.withLock { state in if !state.stopped { state.failure = error } }
        }
        continuation.finish()
    }

    /// What the loop sees of its sequence: where to yield, whether to stop, and how to
    /// be woken from a blocking call.
    public struct Feed: Sendable {
        fileprivate let sequence: ThreadBackedSequence

        /// Hands `element` to the iteration (buffered until it is iterated; dropped
        /// once the sequence has finished).
        public func yield(_ element: Element) {
            sequence.continuation.yield(element)
        }

        /// True once the sequence was stopped: the loop should return.
        public var isStopped: Bool { sequence.isStopped }

        /// Registers what ends the loop's blocking call on `stop()`, for as long as the
        /// loop blocks (`clearWake()` after). False, and nothing registered, when the
        /// sequence is already stopped: return instead of blocking.
        public func wakeOnStop(_ wake: @escaping @Sendable () -> Void) -> Bool {
            sequence.state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.wake = wake
                return true
            }
        }

        /// `wakeOnStop(_:)` with a `shutdown(2)` of `socket` both ways: a blocking read
        /// or wait on it returns at once.
        public func shutDownOnStop(socket: Int32) -> Bool {
            wakeOnStop { _ = shutdown(socket, Int32(SHUT_RDWR)) }
        }

        /// Forgets the registered wake (the loop no longer blocks on it).
        public func clearWake() {
            sequence.state.withLock { $0.wake = nil }
        }

        /// Runs `attempt` again and again until the sequence stops, waiting on this
        /// thread `Backoff.delay(afterFailures:)` after each attempt that ends; `attempt`
        /// calls its argument once connected, which starts the count of failures over.
        /// For a loop that reconnects by itself: each attempt connects, then blocks
        /// until its connection fails (it may yield why) or the sequence stops.
        public func retryUntilStopped(_ attempt: (_ connected: () -> Void) -> Void) {
            var failures = 0
            while !isStopped {
                attempt { failures = 0 }
                guard !isStopped else { break }
                failures += 1
                let delay = Backoff.delay(afterFailures: failures).components
                Thread.sleep(forTimeInterval: Double(delay.seconds) + Double(delay.attoseconds) / 1e18)
            }
        }
    }

    /// Iterates the elements; after the last one, throws the loop's error (once) if
    /// the loop threw before any `stop()`.
    public struct Iterator: AsyncIteratorProtocol {
        public typealias Failure = LoopError

        private var elements: AsyncStream<Element>.Iterator
        private let sequence: ThreadBackedSequence
        private var reportedFailure = false

        fileprivate init(elements: AsyncStream<Element>.Iterator, sequence: ThreadBackedSequence) {
            self.elements = elements
            self.sequence = sequence
        }

        public mutating func next() async throws(LoopError) -> Element? {
            if let element = await elements.next() { return element }
            return try end()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(LoopError) -> Element? {
            if let element = await elements.next(isolation: actor) { return element }
            return try end()
        }

        private mutating func end() throws(LoopError) -> Element? {
            guard !reportedFailure, let failure = sequence.failure else { return nil }
            reportedFailure = true
            throw failure
        }
    }
}

extension ThreadBackedSequence where LoopError == Never {
    /// The stream's own iterator, for a loop that cannot fail: a Kit's sequence hands
    /// this out, so that its public iterator type stays `AsyncStream<Element>.Iterator`.
    public func makeStreamIterator() -> AsyncStream<Element>.Iterator {
        elements.makeAsyncIterator()
    }
}
