import BlockingGuard
import CHiredis
import Foundation
import Synchronization

/// A Redis subscription on a dedicated thread, as an `AsyncSequence` of events.
///
/// The thread blocks in hiredis reading pushed messages; after a dropped connection
/// it reconnects with backoff, subscribes again and emits `.subscribed` so the
/// consumer knows it may have missed messages in between. `stop()` (or cancelling the
/// consuming task) shuts the socket down, which ends the blocking read at once.
public final class RedisSubscriber: AsyncSequence, Sendable {
    public enum Event: Sendable, Equatable {
        /// The subscription is (again) in place: anything published before may be missed.
        case subscribed
        /// A published message.
        case message(channel: String, payload: [UInt8])
        /// The connection dropped (the subscriber is reconnecting).
        case disconnected(String)
    }

    public typealias Element = Event

    private let endpoint: RedisEndpoint
    private let channels: [String]
    private let patterns: [String]
    private let connectTimeout: Duration
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let shared = Mutex(Shared())

    private struct Shared {
        var stopped = false
        var started = false
        /// The live connection's socket, to shut down from `stop()`.
        var fd: Int32 = -1
    }

    /// - Parameters:
    ///   - channels: exact channel names (SUBSCRIBE).
    ///   - patterns: glob patterns (PSUBSCRIBE); their messages report the matching channel.
    public init(
        endpoint: RedisEndpoint, channels: [String], patterns: [String] = [], connectTimeout: Duration = .seconds(2), bufferSize: Int = 100_000
    ) {
        self.endpoint = endpoint
        self.channels = channels
        self.patterns = patterns
        self.connectTimeout = connectTimeout
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingOldest(bufferSize))
    }

    public func makeAsyncIterator() -> AsyncStream<Event>.AsyncIterator {
        startIfNeeded()
        return events.makeAsyncIterator()
    }

    /// Starts the thread (done by the first iteration).
    public func startIfNeeded() {
        let start = shared.withLock { shared -> Bool in
            defer { shared.started = true }
            return !shared.started && !shared.stopped
        }
        guard start else { return }
        let thread = Thread { [self] in runLoop() }
        thread.name = "redis-subscriber"
        thread.start()
        continuation.onTermination = { [weak self] _ in self?.stop() }
    }

    /// Ends the subscription and the sequence.
    public func stop() {
        let fd = shared.withLock { shared -> Int32 in
            shared.stopped = true
            return shared.fd
        }
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        continuation.finish()
    }

    private var isStopped: Bool { shared.withLock { $0.stopped } }

    private func runLoop() {
        BlockingCallGuard.assertNotOnEventLoop("the Redis subscription loop")
        var failures = 0
        while !isStopped {
            do {
                try subscribeAndRead { failures = 0 }
            } catch {
                if isStopped { break }
                continuation.yield(.disconnected(error.description))
            }
            guard !isStopped else { break }
            failures += 1
            let delay = RedisBackoff.delay(afterFailures: failures).components
            Thread.sleep(forTimeInterval: Double(delay.seconds) + Double(delay.attoseconds) / 1e18)
        }
        continuation.finish()
    }

    private func subscribeAndRead(onSubscribed: () -> Void) throws(RedisError) {
        let (seconds, attoseconds) = connectTimeout.components
        guard let context = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))) else {
            throw RedisError(.unavailable, "cannot allocate a Redis connection")
        }
        defer {
            shared.withLock { $0.fd = -1 }
            redisFree(context)
        }
        guard context.pointee.err == 0 else { throw RedisError(.unavailable, "cannot connect to Redis: \(Self.errorString(context))") }
        let registered = shared.withLock { shared -> Bool in
            guard !shared.stopped else { return false }
            shared.fd = context.pointee.fd
            return true
        }
        guard registered else { return }
        var commands: [[String]] = []
        if let password = endpoint.password { commands.append(["AUTH", password]) }
        if !channels.isEmpty { commands.append(["SUBSCRIBE"] + channels) }
        if !patterns.isEmpty { commands.append(["PSUBSCRIBE"] + patterns) }
        for command in commands {
            let status = command.map { Array($0.utf8) }.withArgv { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) }
            guard status == REDIS_OK else { throw RedisError(.unavailable, "Redis subscribe failed: \(Self.errorString(context))") }
        }
        var confirmed = 0
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                throw RedisError(.unavailable, "Redis subscription dropped: \(Self.errorString(context))")
            }
            let reply = RedisConnection.value(raw.assumingMemoryBound(to: redisReply.self))
            freeReplyObject(raw)
            if case .error(let message) = reply { throw RedisError(.server, "Redis refused the subscription: \(message)") }
            guard let parts = reply.array, parts.count >= 3, let kind = parts[0].string else { continue }
            switch kind {
            case "subscribe", "psubscribe":
                confirmed += 1
                if confirmed == channels.count + patterns.count {
                    onSubscribed()
                    continuation.yield(.subscribed)
                }
            case "message":
                if case .bulk(let payload) = parts[2] { continuation.yield(.message(channel: parts[1].string ?? "", payload: payload)) }
            case "pmessage" where parts.count >= 4:
                if case .bulk(let payload) = parts[3] { continuation.yield(.message(channel: parts[2].string ?? "", payload: payload)) }
            default:
                continue
            }
        }
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
