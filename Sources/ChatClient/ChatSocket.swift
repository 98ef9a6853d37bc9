import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// A WebSocket to a chat or notification service: text frames received are read with
/// `next(within:)`, frames to send go through `send(_:)`; every wait is bounded.
public final class ChatSocket: Sendable {
    private let frames = TimedQueue<String>()
    private let outbox: AsyncStream<String>.Continuation
    private let connection: Task<WebSocketCloseFrame?, any Error>
    /// Whether the upgrade happened (to tell a refused upgrade from a later failure).
    private let upgraded: OnceFlag
    /// Whether the connection has ended.
    private let finished: OnceFlag

    /// Starts connecting to `url` (`ws://host:port/path?query`) with `headers` on the
    /// upgrade request (`Authorization: Bearer …`, as the Go services require); the
    /// first `next` tells whether it worked.
    public init(url: String, headers: HTTPFields = [:], maxFrameSize: Int = 1 << 22) {
        let (outbox, outboxContinuation) = AsyncStream.makeStream(of: String.self)
        self.outbox = outboxContinuation
        var logger = Logger(label: "chatctl.socket")
        logger.logLevel = .critical
        let frames = self.frames
        let upgraded = OnceFlag()
        self.upgraded = upgraded
        let finished = OnceFlag()
        self.finished = finished
        connection = Task {
            defer {
                finished.set()
                Task { await frames.finish() }
            }
            return try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: maxFrameSize, additionalHeaders: headers), logger: logger) { inbound, outbound, _ in
                upgraded.set()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: maxFrameSize) {
                            if case .text(let text) = message { await frames.push(text) }
                        }
                    }
                    group.addTask {
                        for await text in outbox { try? await outbound.write(.text(text)) }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
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
    public func send(_ text: String) { outbox.yield(text) }

    /// The next text frame, waiting at most `timeout`.
    /// - Throws: `ChatClientError` when the socket closed (with the server's reason or the
    ///   connection error) or the time ran out.
    public func next(within timeout: Duration, what: String = "a frame") async throws -> String {
        switch await frames.next(timeout: timeout) {
        case .item(let frame): return frame
        case .timedOut: throw ChatClientError.timedOut(what, after: timeout)
        case .closed: throw try await closedError()
        }
    }

    /// Closes the socket and waits (bounded) for the connection to end.
    public func close() async {
        outbox.finish()
        connection.cancel()
        _ = try? await withDeadline(.seconds(2), "the socket to close") { [connection] in try? await connection.value }
    }

    private func closedError() async throws -> ChatClientError {
        do {
            let frame = try await withDeadline(.seconds(2), "the socket to close") { [connection] in try await connection.value }
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
