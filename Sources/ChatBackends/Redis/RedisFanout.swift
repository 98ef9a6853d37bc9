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
/// a room on one node keeps working) and the outage is logged once. Runs as a
/// `Service`: its `run()` consumes the subscription until graceful shutdown.
public final class RedisFanout: RoomFanout, Service {
    public static let channel = "chatctl:fanout"

    private let client: RedisClient
    private let subscriber: RedisSubscriber
    private let receivers = Mutex<[any FanoutReceiver]>([])
    private let outage: OutageLog
    private let logger: Logger

    public init(client: RedisClient, logger: Logger) {
        self.client = client
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
            deliver(message)
        }
    }

    private func deliver(_ message: Message) {
        for receiver in receivers.withLock({ $0 }) { receiver.deliver(message) }
    }

    public func run() async throws {
        let subscriber = self.subscriber
        await withGracefulShutdownHandler {
            for await event in subscriber {
                switch event {
                case .subscribed:
                    outage.recovered()
                case .disconnected(let reason):
                    outage.failed(RedisError(.unavailable, reason))
                case .message(_, let payload):
                    do {
                        deliver(try RedisMessageCodec.decode(payload))
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
