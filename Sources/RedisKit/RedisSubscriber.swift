import BlockingGuard
import CHiredis
import Foundation
import KitSupport

/// A Redis subscription on a dedicated thread, as an `AsyncSequence` of events.
///
/// The thread blocks in hiredis reading pushed messages; after a dropped connection
/// it reconnects with backoff, subscribes again and emits `.subscribed` so the
/// consumer knows it may have missed messages in between. `stop()` (or cancelling the
/// consuming task) shuts the socket down, which ends the blocking read at once. The
/// thread's lifecycle is KitSupport's `ThreadBackedSequence`.
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
    private typealias Feed = ThreadBackedSequence<Event, Never>.Feed

    private let endpoint: RedisEndpoint
    private let channels: [String]
    private let patterns: [String]
    private let connectTimeout: Duration
    private let events: ThreadBackedSequence<Event, Never>

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
        self.events = ThreadBackedSequence(name: "redis-subscriber", bufferingPolicy: .bufferingOldest(bufferSize))
    }

    public func makeAsyncIterator() -> AsyncStream<Event>.AsyncIterator {
        startIfNeeded()
        return events.makeStreamIterator()
    }

    /// Starts the thread (done by the first iteration).
    public func startIfNeeded() {
        events.startIfNeeded { [self] feed in
            BlockingCallGuard.assertNotOnEventLoop("the Redis subscriber loop")
            feed.retryUntilStopped { subscribed in
                do throws(RedisError) {
                    try subscribeAndRead(feed, onSubscribed: subscribed)
                } catch {
                    if !feed.isStopped { feed.yield(.disconnected(error.description)) }
                }
            }
        }
    }

    /// Ends the subscription and the sequence.
    public func stop() { events.stop() }

    private func subscribeAndRead(_ feed: Feed, onSubscribed: () -> Void) throws(RedisError) {
        guard let context = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), connectTimeout.timeValue) else {
            throw RedisError(.unavailable, "cannot allocate a Redis connection")
        }
        defer {
            feed.clearWake()
            redisFree(context)
        }
        guard context.pointee.err == 0 else { throw RedisError(.unavailable, "cannot connect to Redis: \(RedisConnection.errorString(context))") }
        guard feed.shutDownOnStop(socket: context.pointee.fd) else { return }
        var commands: [[String]] = []
        if let password = endpoint.password { commands.append(["AUTH", password]) }
        if !channels.isEmpty { commands.append(["SUBSCRIBE"] + channels) }
        if !patterns.isEmpty { commands.append(["PSUBSCRIBE"] + patterns) }
        for command in commands {
            let status = command.map { Array($0.utf8) }.withArgv { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) }
            guard status == REDIS_OK else { throw RedisError(.unavailable, "Redis subscribe failed: \(RedisConnection.errorString(context))") }
        }
        var confirmed = 0
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                throw RedisError(.unavailable, "Redis subscription dropped: \(RedisConnection.errorString(context))")
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
                    feed.yield(.subscribed)
                }
            case "message":
                if case .bulk(let payload) = parts[2] { feed.yield(.message(channel: parts[1].string ?? "", payload: payload)) }
            case "pmessage" where parts.count >= 4:
                if case .bulk(let payload) = parts[3] { feed.yield(.message(channel: parts[2].string ?? "", payload: payload)) }
            default:
                continue
            }
        }
    }
}
