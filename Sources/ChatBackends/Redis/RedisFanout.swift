import ChatCore
import Logging
import RedisKit
import ServiceLifecycle
import Synchronization

/// Room fan-out across chat nodes through Redis pub/sub.
///
/// Every node publishes each stored message on one channel (`chatctl:fanout`) and
/// subscribes to it; each node hands every message to its own hub, which routes it to
/// the room's sockets. A node's own messages come back through the subscription, so
/// each socket gets each message exactly once. One channel rather than one per room:
/// no subscription bookkeeping as rooms come and go; every node sees every message,
/// which is what a node with sockets in most rooms needs anyway.
///
/// While Redis is unreachable, `publish` delivers to this node's sockets directly (so
/// a room on one node keeps working) and the outage is logged once. Every message
/// passes a `RoomSequencer`: a jump in a room's sequence numbers, or a resubscription
/// after a drop, fetches the missed messages from the store and delivers them first,
/// in order and once. Runs as a `Service`: its `run()` consumes the subscription until
/// graceful shutdown.
public final class RedisFanout: RoomFanout, Service {
    public static let channel = "chatctl:fanout"

    private let client: RedisClient
    private let subscriber: RedisSubscriber
    private let receivers = Mutex<[any FanoutReceiver]>([])
    private let outage: OutageLog
    private let logger: Logger
    /// Orders and completes what arrives, from the store when needed.
    public let sequencer: RoomSequencer

    public init(client: RedisClient, store: any MessageStore, logger: Logger) {
        self.client = client
        self.sequencer = RoomSequencer(store: store)
        self.subscriber = RedisSubscriber(endpoint: client.endpoint, channels: [Self.channel])
        self.outage = OutageLog(what: "Redis fan-out", logger: logger)
        self.logger = logger
    }

    public func attach(_ receiver: any FanoutReceiver) async {
        receivers.withLock { $0.append(receiver) }
    }

    public func publish(_ message: Message) async throws {
        do {
            try await client.command(bytes: [Array("PUBLISH".utf8), Array(Self.channel.utf8), try RedisMessageCodec.encode(message)])
        } catch {
            outage.failed(error)
            await deliver(message)
        }
    }

    private func deliver(_ message: Message) async {
        deliver(await sequencer.accept(message))
    }

    private func deliver(_ messages: [Message]) {
        guard !messages.isEmpty else { return }
        let receivers = self.receivers.withLock { $0 }
        for message in messages {
            for receiver in receivers { receiver.deliver(message) }
        }
    }

    public func run() async throws {
        let subscriber = self.subscriber
        await withGracefulShutdownHandler {
            var everSubscribed = false
            for await event in subscriber {
                switch event {
                case .subscribed:
                    outage.recovered()
                    if everSubscribed { deliver(await sequencer.catchUp()) }
                    everSubscribed = true
                case .disconnected(let reason):
                    outage.failed(RedisError(.unavailable, reason))
                case .message(_, let payload):
                    do {
                        await deliver(try RedisMessageCodec.decode(payload))
                    } catch {
                        logger.warning("dropped an unreadable fan-out message", metadata: ["bytes": "\(payload.count)"])
                    }
                }
            }
        } onGracefulShutdown: {
            subscriber.stop()
        }
    }
}
