import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// A WebSocket to a chat or notification service: text frames received are read with
/// `next(within:)` (or `receive(within:)`), frames to send go through `send(_:)`, and,
/// to see what a server does with other input, `sendBinary(_:)` and
/// `sendFrame(opcode:fin:_:)`; the connection's outcome is the server's close frame
/// (`closeFrame(within:)`, `outcome`). Every wait is bounded.
public final class ChatSocket: Sendable {
    private let frames: TimedQueue<String>
    private let outbox: AsyncStream<WebSocketOutboundWriter.OutboundFrame>.Continuation
    /// The connection's outcome: the server's close frame (nil when it closed without
    /// one), or the error that ended it (a refused upgrade included). Its `value` waits for
    /// as long as the connection lasts (awaiting a task's value ignores cancellation), so
    /// bounded waits go through `ended(within:)` or `closeFrame(within:)`.
    public let outcome: Task<WebSocketCloseFrame?, any Error>
    /// Whether the upgrade happened (to tell a refused upgrade from a later failure).
    private let upgraded: OnceFlag
    /// Whether the connection has ended (read without waiting).
    private let finished: OnceFlag
    /// The connection's end, waited for with a bound by any number of callers.
    private let end: EndSignal

    /// Starts connecting to `url` (`ws://host:port/path?query`) with `headers` on the
    /// upgrade request (`Authorization: Bearer …`, as the Go services require); the
    /// first `next` tells whether it worked.
    /// - Parameters:
    ///   - maxFrameSize: the largest frame sent or received.
    ///   - maxMessageSize: the largest text message received, fragments put together
    ///     (`maxFrameSize` when nil).
    ///   - logLevel: the WebSocket client's own log level.
    public init(
        url: String, headers: HTTPFields = [:], maxFrameSize: Int = 1 << 22, maxMessageSize: Int? = nil,
        logLevel: Logger.Level = .critical
    ) {
        let (outboxStream, outbox) = AsyncStream.makeStream(of: WebSocketOutboundWriter.OutboundFrame.self)
        self.outbox = outbox
        var logger = Logger(label: "chatctl.socket")
        logger.logLevel = logLevel
        let frames = TimedQueue<String>()
        self.frames = frames
        let upgraded = OnceFlag()
        self.upgraded = upgraded
        let finished = OnceFlag()
        self.finished = finished
        let end = EndSignal()
        self.end = end
        let messageSize = maxMessageSize ?? maxFrameSize
        outcome = Task {
            // Whatever the outcome, the frames received are all queued before the queue
            // finishes, and the end is signalled after both.
            let closeFrame: WebSocketCloseFrame?
            do {
                closeFrame = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: maxFrameSize, additionalHeaders: headers), logger: logger
                ) { inbound, outbound, _ in
                    upgraded.set()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await message in inbound.messages(maxSize: messageSize) {
                                if case .text(let text) = message { await frames.push(text) }
                            }
                        }
                        group.addTask {
                            // A write after the server closed fails; ignore it, so that the
                            // connection's outcome is what the server said (its close frame).
                            for await frame in outboxStream { try? await outbound.write(frame) }
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                }
            } catch {
                finished.set()
                await frames.finish()
                await end.set()
                throw error
            }
            finished.set()
            await frames.finish()
            await end.set()
            return closeFrame
        }
    }

    /// Waits (at most `timeout`) until the WebSocket upgrade is done.
    /// - Throws: `ChatClientError` when the upgrade was refused or failed, or took too long.
    public func open(within timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !upgraded.isSet {
            if finished.isSet { throw try await closedError() }
            guard ContinuousClock.now < deadline else { throw ChatClientError.timedOut("the WebSocket upgrade", after: timeout) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Queues a text frame.
    public func send(_ text: String) { outbox.yield(.text(text)) }

    /// Queues a binary frame (a chat room answers one with an error frame).
    public func sendBinary(_ bytes: [UInt8]) { outbox.yield(.binary(ByteBuffer(bytes: bytes))) }

    /// Queues one raw frame as given (a fragment, a ping, invalid UTF-8, a reserved
    /// opcode); the client masks it, nothing else.
    public func sendFrame(opcode: WebSocketOpcode, fin: Bool = true, _ bytes: [UInt8]) {
        outbox.yield(.custom(WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(bytes: bytes))))
    }

    /// The next text frame, `.closed` once the connection has ended and every frame it
    /// brought was read, or `.timedOut` after `timeout`: for a caller that tells those
    /// apart itself (`next(within:what:)` turns them into errors).
    public func receive(within timeout: Duration) async -> TimedQueue<String>.Outcome {
        await frames.next(timeout: timeout)
    }

    /// The next text frame, waiting at most `timeout`.
    /// - Throws: `ChatClientError` when the socket closed (with the server's reason or the
    ///   connection error) or the time ran out.
    public func next(within timeout: Duration, what: String = "a frame") async throws -> String {
        switch await receive(within: timeout) {
        case .item(let frame): return frame
        case .timedOut: throw ChatClientError.timedOut(what, after: timeout)
        case .closed: throw try await closedError()
        }
    }

    /// Whether the connection ended within `timeout` (returns as soon as it does).
    public func ended(within timeout: Duration) async -> Bool {
        await end.wait(timeout: timeout)
    }

    /// The server's close frame (code and reason; nil when it closed without one),
    /// waiting at most `timeout` for the connection to end.
    /// - Throws: `ChatClientError` when it did not end in time; the error that ended the
    ///   connection when there was one (a refused upgrade, a reset).
    public func closeFrame(within timeout: Duration) async throws -> WebSocketCloseFrame? {
        guard await ended(within: timeout) else { throw ChatClientError.timedOut("the server to close the socket", after: timeout) }
        return try await outcome.value
    }

    /// Sends what is queued, closes the socket (a normal close) and waits at most
    /// `timeout` for the connection to end; one still open then is cancelled and waited
    /// for at most as long again.
    public func close(within timeout: Duration = .seconds(2)) async {
        outbox.finish()
        guard await !ended(within: timeout) else { return }
        outcome.cancel()
        _ = await ended(within: timeout)
    }

    private func closedError() async throws -> ChatClientError {
        guard await ended(within: .seconds(2)) else { return ChatClientError.timedOut("the socket to close", after: .seconds(2)) }
        do {
            let frame = try await outcome.value
            let reason = frame.map { "code \($0.closeCode)\($0.reason.map { " \"\($0)\"" } ?? "")" } ?? "no close frame"
            return ChatClientError("the socket closed (\(reason))")
        } catch let error as ChatClientError {
            return error
        } catch {
            return ChatClientError(upgraded.isSet ? "the socket failed: \(error)" : "the WebSocket upgrade failed: \(error)")
        }
    }
}

/// A flag set once, read from any thread.
final class OnceFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// Set once, when a connection ends; waited for with a bound by any number of callers
/// (a task's `value` cannot be abandoned on timeout: awaiting it ignores cancellation).
actor EndSignal {
    private var isSet = false
    private var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
    private var nextWaiterID = 0

    func set() {
        isSet = true
        let waiting = waiters
        waiters = [:]
        for continuation in waiting.values { continuation.resume(returning: true) }
    }

    /// Whether it was set within `timeout`.
    func wait(timeout: Duration) async -> Bool {
        if isSet { return true }
        nextWaiterID += 1
        let id = nextWaiterID
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.expire(id)
        }
        let wasSet = await withCheckedContinuation { continuation in
            waiters[id] = continuation
        }
        timer.cancel()
        return wasSet
    }

    private func expire(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume(returning: false)
    }
}
