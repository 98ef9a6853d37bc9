import ChatCore
import Foundation
import Logging
import NIOCore
import Synchronization

/// A room WebSocket's inbound side: the session its `ServerWebSocketHandler` feeds.
///
/// Each text frame is rate-limited (every frame counts, valid or not; the limit in force
/// in `LiveSettings`, so a reload reaches open sockets at their next frame), then queued; a
/// short-lived task posts the queue in order, one message at a time, and ends when it
/// is empty, so a socket that is not posting has no task. A client that sends faster
/// than its posts are stored stops being read (`autoRead` off) until the queue drains.
final class RoomSocket: WebSocketSession {
    let connection: RoomConnection
    private let hub: RoomHub
    private let ports: ChatPorts
    private let room: Room
    private let user: User
    private let live: LiveSettings
    private let logger: Logger
    private let inbox: Mutex<Inbox>

    /// Frames queued beyond this stop the socket being read until half of them are posted.
    static let maxQueued = 32

    private struct Inbox {
        var queued: [String] = []
        /// A task is posting the queue.
        var posting = false
        var readingPaused = false
        var bucket: TokenBucket?
        /// The `LiveSettings` generation `bucket` was made for.
        var limitGeneration: UInt64
    }

    init(connection: RoomConnection, hub: RoomHub, ports: ChatPorts, room: Room, user: User, live: LiveSettings, logger: Logger) {
        self.connection = connection
        self.hub = hub
        self.ports = ports
        self.room = room
        self.user = user
        self.live = live
        self.logger = logger
        let snapshot = live.snapshot
        self.inbox = Mutex(Inbox(bucket: Self.bucket(for: snapshot.settings, replacing: nil), limitGeneration: snapshot.generation))
    }

    /// The bucket of `settings`' message rate limit (none without a limit); an existing
    /// bucket keeps its saved tokens, at most the new burst.
    static func bucket(for settings: ReloadableSettings, replacing old: TokenBucket?) -> TokenBucket? {
        guard settings.messageRateLimit > 0 else { return nil }
        guard let old else { return TokenBucket(rate: settings.messageRateLimit, burst: settings.messageRateBurst) }
        return old.retuned(rate: settings.messageRateLimit, burst: settings.messageRateBurst)
    }

    func received(text: String) {
        connection.meter.countIn()
        guard allow() else { return }
        let (startPosting, pause) = inbox.withLock { inbox -> (Bool, Bool) in
            inbox.queued.append(text)
            let start = !inbox.posting
            inbox.posting = true
            let pause = inbox.queued.count >= Self.maxQueued && !inbox.readingPaused
            if pause { inbox.readingPaused = true }
            return (start, pause)
        }
        if pause { connection.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in } }
        if startPosting { Task.immediate { await self.postQueued() } }
    }

    func receivedBinary() {
        connection.meter.countIn()
        guard allow() else { return }
        connection.send(.init(buffer: FrameEncoder.errorFrame("binary frames are not supported; send JSON text")))
    }

    func closeStarted() {
        connection.closeFrameSent()
    }

    func socketClosed() {
        hub.unregister(connection)
        connection.finish()
        if connection.hasOverflowed {
            logger.warning("closed slow socket: it stopped reading", metadata: ["buffer_frames": "\(connection.bufferLimit)"])
        } else if let reason = connection.sessionEndReason {
            logger.notice("closed socket: session ended", metadata: ["reason": "\(reason)"])
        }
    }

    /// The rate limit in force; a refused frame gets an error frame and is not stored.
    /// One atomic load of the live settings per frame; the bucket is remade only when a
    /// reload published new ones.
    private func allow() -> Bool {
        let snapshot = live.snapshot
        let allowed = inbox.withLock { inbox -> Bool in
            if inbox.limitGeneration != snapshot.generation {
                inbox.bucket = Self.bucket(for: snapshot.settings, replacing: inbox.bucket)
                inbox.limitGeneration = snapshot.generation
            }
            return inbox.bucket?.allow(now: DispatchTime.now().uptimeNanoseconds) ?? true
        }
        if !allowed { connection.send(.init(buffer: FrameEncoder.errorFrame(Self.rateLimitMessage(snapshot.settings)))) }
        return allowed
    }

    /// Posts the queued frames in order until none is left. A drain lets the post in
    /// flight finish and starts no new one (the rest are dropped; the socket closes with
    /// 1001 once flushed).
    private func postQueued() async {
        let post = PostMessage(ports: ports)
        while let text = nextQueued() {
            guard connection.beginPost() else {
                inbox.withLock { inbox in
                    inbox.queued = []
                    inbox.posting = false
                }
                return
            }
            await handle(text, post: post)
            connection.endPost()
        }
    }

    /// The next frame to post, or nil (the task ends) when the queue is empty.
    private func nextQueued() -> String? {
        let (next, resume) = inbox.withLock { inbox -> (String?, Bool) in
            let resume = inbox.readingPaused && inbox.queued.count <= Self.maxQueued / 2
            if resume { inbox.readingPaused = false }
            guard !inbox.queued.isEmpty else {
                inbox.posting = false
                return (nil, resume)
            }
            return (inbox.queued.removeFirst(), resume)
        }
        if resume { connection.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in } }
        return next
    }

    private func handle(_ text: String, post: PostMessage) async {
        do {
            let frame = try RoomSocketController.decodeInbound(text)
            let posted = try await post.post(content: frame.content, clientID: frame.clientID, from: user, in: room)
            // A resend of a stored message: only its sender hears of it again (an ack).
            if posted.isRepeat { connection.send(.init(buffer: FrameEncoder.messageFrame(posted.message))) }
        } catch let error as ChatError {
            if let detail = error.detail { logger.error("posting failed", metadata: ["error": "\(error.message)", "detail": "\(detail)"]) }
            connection.send(.init(buffer: FrameEncoder.errorFrame(error.message)))
        } catch {
            logger.error("posting failed", metadata: ["error": "\(error)"])
            connection.send(.init(buffer: FrameEncoder.errorFrame("message could not be stored; try again")))
        }
    }

    /// The error frame's text when a socket posts faster than `settings` allow.
    static func rateLimitMessage(_ settings: ReloadableSettings) -> String {
        let rate = settings.messageRateLimit
        let perSecond = rate == rate.rounded() ? String(Int(rate)) : String(rate)
        return "rate limit exceeded: at most \(perSecond) messages a second (bursts of \(settings.messageRateBurst)); message not stored"
    }
}
