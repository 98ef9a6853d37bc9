import ChatClient
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket

/// A WebSocket client for tests: frames received are queued for `next()`, frames to
/// send go through `send(_:)`; every wait is bounded.
public final class TestSocket: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case timedOut(String)
        case closed
        public var description: String {
            switch self {
            case .timedOut(let what): "timed out waiting for \(what)"
            case .closed: "socket closed"
            }
        }
    }

    private let inboxContinuation: AsyncStream<String>.Continuation
    private let outbox: AsyncStream<WebSocketOutboundWriter.OutboundFrame>
    private let outboxContinuation: AsyncStream<WebSocketOutboundWriter.OutboundFrame>.Continuation
    /// The connection's outcome: the close frame, or the error that ended it.
    public let closed: Task<WebSocketCloseFrame?, any Error>

    public init(url: String, headers: HTTPFields = [:], maxFrameSize: Int = 1 << 20) {
        let (inbox, inboxContinuation) = AsyncStream.makeStream(of: String.self)
        let (outbox, outboxContinuation) = AsyncStream.makeStream(of: WebSocketOutboundWriter.OutboundFrame.self)
        self.inboxContinuation = inboxContinuation
        self.outbox = outbox
        self.outboxContinuation = outboxContinuation
        var logger = Logger(label: "test-socket")
        logger.logLevel = .warning
        self.closed = Task {
            defer { inboxContinuation.finish() }
            return try await WebSocketClient.connect(
                url: url, configuration: .init(maxFrameSize: maxFrameSize, additionalHeaders: headers), logger: logger
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 22) {
                            if case .text(let text) = message { inboxContinuation.yield(text) }
                        }
                    }
                    group.addTask {
                        // A write after the server closed fails; ignore it, so that the
                        // connection's outcome is what the server said (its close frame).
                        for await frame in outbox { try? await outbound.write(frame) }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
        let queue = TimedQueue<String>()
        self.queue = queue
        self.pump = Task {
            for await text in inbox { await queue.push(text) }
            await queue.finish()
        }
    }

    /// The server's close frame (nil: closed without one), waiting at most `seconds`.
    public func closeFrame(seconds: Double = 10) async throws -> WebSocketCloseFrame? {
        let closed = self.closed
        return try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
            group.addTask { try await closed.value }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw Failure.timedOut("the server to close the socket")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private let queue: TimedQueue<String>
    private let pump: Task<Void, Never>

    public func send(_ text: String) { outboxContinuation.yield(.text(text)) }

    public func sendBinary(_ bytes: [UInt8]) { outboxContinuation.yield(.binary(ByteBuffer(bytes: bytes))) }

    /// Sends one raw frame as given (fragments, pings, invalid UTF-8); the client masks it.
    public func sendFrame(opcode: WebSocketOpcode, fin: Bool = true, _ bytes: [UInt8]) {
        outboxContinuation.yield(.custom(WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(bytes: bytes))))
    }

    /// The next text frame, or `Failure.timedOut` after `seconds`.
    public func next(_ what: String = "a frame", seconds: Double = 10) async throws -> String {
        switch await queue.next(timeout: .seconds(seconds)) {
        case .item(let text): return text
        case .closed: throw Failure.closed
        case .timedOut: throw Failure.timedOut(what)
        }
    }

    /// The next frame decoded as a JSON object.
    public func nextObject(_ what: String = "a JSON object", seconds: Double = 10) async throws -> [String: Any] {
        let text = try await next(what, seconds: seconds)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure.timedOut("\(what) (got \(text))")
        }
        return object
    }

    /// The next frame decoded as a JSON array of objects (the history frame).
    public func nextArray(seconds: Double = 10) async throws -> [[String: Any]] {
        let text = try await next("the history frame", seconds: seconds)
        guard let array = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw Failure.timedOut("a JSON array (got \(text))")
        }
        return array
    }

    /// Expects no frame for `seconds`.
    public func expectSilence(seconds: Double = 0.5) async throws -> String? {
        do {
            return try await next("silence", seconds: seconds)
        } catch Failure.timedOut {
            return nil
        }
    }

    /// Closes our side and waits (bounded) for the connection to end.
    public func close() async {
        outboxContinuation.finish()
        _ = try? await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? await self.closed.value }
            group.addTask { try await Task.sleep(for: .seconds(5)); self.closed.cancel() }
            try await group.next()
            group.cancelAll()
        }
    }
}
