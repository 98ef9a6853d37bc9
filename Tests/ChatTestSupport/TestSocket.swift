import ChatClient
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket

/// A WebSocket client for tests, over ChatClient's `ChatSocket`: frames received are
/// queued for `next()`, frames to send go through `send(_:)`; every wait is bounded (by
/// `Patience.seconds` unless a test says otherwise: a bound only ever ends a failing wait).
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

    /// The ChatClient socket underneath: tests speak the contract through the same
    /// client as `doctor --e2e` and `bench`; this adds the test-facing waits (bounded by
    /// `Patience`, failing with `Failure`) and the probe and barrier helpers.
    public let socket: ChatSocket

    /// The connection's outcome: the close frame, or the error that ended it (unbounded:
    /// `closeFrame(seconds:)` bounds it).
    public var closed: Task<WebSocketCloseFrame?, any Error> { socket.outcome }

    /// Frames of up to `maxFrameSize` (1 MiB) either way, text messages of up to 4 MiB
    /// put together; the client's own log at warning level, for a failing test's output.
    public init(url: String, headers: HTTPFields = [:], maxFrameSize: Int = 1 << 20) {
        socket = ChatSocket(url: url, headers: headers, maxFrameSize: maxFrameSize, maxMessageSize: 1 << 22, logLevel: .warning)
    }

    /// The server's close frame (nil: closed without one), waiting at most `seconds`.
    public func closeFrame(seconds: Double = Patience.seconds) async throws -> WebSocketCloseFrame? {
        guard await socket.ended(within: .seconds(seconds)) else { throw Failure.timedOut("the server to close the socket") }
        return try await closed.value
    }

    public func send(_ text: String) { socket.send(text) }

    public func sendBinary(_ bytes: [UInt8]) { socket.sendBinary(bytes) }

    /// Sends one raw frame as given (fragments, pings, invalid UTF-8); the client masks it.
    public func sendFrame(opcode: WebSocketOpcode, fin: Bool = true, _ bytes: [UInt8]) {
        socket.sendFrame(opcode: opcode, fin: fin, bytes)
    }

    /// The next text frame, or `Failure.timedOut` after `seconds`.
    public func next(_ what: String = "a frame", seconds: Double = Patience.seconds) async throws -> String {
        switch await socket.receive(within: .seconds(seconds)) {
        case .item(let text): return text
        case .closed: throw Failure.closed
        case .timedOut: throw Failure.timedOut(what)
        }
    }

    /// The next frame decoded as a JSON object.
    public func nextObject(_ what: String = "a JSON object", seconds: Double = Patience.seconds) async throws -> [String: Any] {
        let text = try await next(what, seconds: seconds)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure.timedOut("\(what) (got \(text))")
        }
        return object
    }

    /// The next frame decoded as a JSON array of objects (the history frame).
    public func nextArray(seconds: Double = Patience.seconds) async throws -> [[String: Any]] {
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

    // MARK: Probes and barriers
    //
    // A fixed time window ("read for 0.3 s, then count") assumes an idle machine: under
    // load a frame arrives after its window and is read as the next thing the test
    // counts. Instead, a test waits for a frame it made itself: a barrier message (or the
    // server's answer to a binary frame), which the server delivers after everything it
    // delivered before, so what precedes it is exactly what there was.

    /// The start of every probe's and barrier's content; reads that count messages skip them.
    public static let probePrefix = "probe-"

    /// A client's message frame with `content` (plain text: no JSON escaping).
    public static func message(_ content: String) -> String { #"{"type":"message","content":"\#(content)"}"# }

    /// The `content` of a frame, if it is a JSON object with one.
    public static func content(of frame: String) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [String: Any])?["content"] as? String
    }

    /// Whether `frame` is the echo of a probe or a barrier.
    public static func isProbe(_ frame: String) -> Bool { content(of: frame)?.hasPrefix(probePrefix) == true }

    /// The next frame's content, skipping probe and barrier echoes (one arriving late must
    /// not count as a message); "" for a frame without content.
    public func nextMessageContent(_ what: String = "a message", seconds: Double = Patience.seconds) async throws -> String {
        while true {
            let frame = try await next(what, seconds: seconds)
            if !Self.isProbe(frame) { return Self.content(of: frame) ?? "" }
        }
    }

    /// The next frame that is not a probe or barrier echo, decoded as a JSON object.
    public func nextObjectSkippingProbes(_ what: String = "a JSON object", seconds: Double = Patience.seconds) async throws -> [String: Any] {
        while true {
            let text = try await next(what, seconds: seconds)
            if Self.isProbe(text) { continue }
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw Failure.timedOut("\(what) (got \(text))")
            }
            return object
        }
    }

    /// The frames before the first one that `isLast` accepts (`what`; read too), in
    /// order; waits at most `seconds` in all.
    public func frames(until what: String, seconds: Double = Patience.seconds, isLast: (String) -> Bool) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var before: [String] = []
        while true {
            switch await socket.receive(within: deadline - ContinuousClock.now) {
            case .item(let text):
                if isLast(text) { return before }
                before.append(text)
            case .closed: throw Failure.closed
            case .timedOut: throw Failure.timedOut("\(what) (\(before.count) other frames came first)")
            }
        }
    }

    /// The frames before the echo of a message whose content is `marker`.
    public func frames(before marker: String, seconds: Double = Patience.seconds) async throws -> [String] {
        try await frames(until: "the message \(marker)", seconds: seconds) { Self.content(of: $0) == marker }
    }

    /// Sends a binary frame, which a chat room socket answers at once with an error frame
    /// to this socket alone, and returns the frames that came before that answer. The
    /// answer is written on the socket's event loop behind every frame the room handed
    /// to it before, so an empty result shows that nothing else was on its way.
    public func framesBeforeBinaryAnswer(seconds: Double = Patience.seconds) async throws -> [String] {
        sendBinary([0])
        return try await frames(until: "the answer to a binary frame", seconds: seconds) { frame in
            (((try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [String: Any])?["error"] as? String)?.contains("binary") == true
        }
    }

    /// Posts a barrier (a message with a fresh `probe-barrier-…` content, skipped by the
    /// probe filters) from `sender` and reads each of `readers` up to its echo; returns,
    /// per reader, the frames before it that are not probes. Every message posted before
    /// the barrier and delivered at all is delivered before it.
    @discardableResult
    public static func barrier(from sender: TestSocket, to readers: [TestSocket], seconds: Double = Patience.seconds) async throws -> [[String]] {
        let marker = "\(probePrefix)barrier-\(UUID().uuidString)"
        sender.send(Self.message(marker))
        var extras: [[String]] = []
        for reader in readers {
            extras.append(try await reader.frames(before: marker, seconds: seconds).filter { !Self.isProbe($0) })
        }
        return extras
    }

    /// Posts probes (`probe-N`) from `sender`, waiting up to `window` seconds at each
    /// reader for one, until every reader has received a probe (the nodes' subscriptions
    /// are in place; a probe posted before that is lost, hence several), then posts a
    /// barrier and reads every reader up to it: the probes still on their way, however
    /// late, are consumed here and cannot be counted as the test's messages.
    public static func awaitDelivery(from sender: TestSocket, to readers: [TestSocket], attempts: Int = 60, window: Double = 1) async throws {
        var reached = Array(repeating: false, count: readers.count)
        for attempt in 0..<attempts where reached.contains(false) {
            sender.send(Self.message("\(probePrefix)\(attempt)"))
            for (index, reader) in readers.enumerated() where !reached[index] {
                reached[index] = (try? await reader.next("a probe", seconds: window)) != nil
            }
        }
        guard !reached.contains(false) else { throw Failure.timedOut("a probe at every socket (\(attempts) probes sent)") }
        try await barrier(from: sender, to: readers)
    }

    /// Closes our side (what was sent still goes out first) and waits (bounded) for the
    /// connection to end.
    public func close() async { await socket.close(within: .seconds(5)) }
}
