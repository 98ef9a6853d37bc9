import ChatCore
import Logging
import RedisKit

/// The Redis fan-out channel (`chatctl:fanout`) as a `FanoutFeed`, for a follower outside
/// the serving processes (`chatctl tail`): a subscription of its own for each run, on
/// `RedisSubscriber`'s thread, which reconnects with backoff by itself. Every chat node's
/// messages of every room arrive on it; the follower keeps its room's.
public struct RedisFanoutFeed: FanoutFeed {
    private let endpoint: RedisEndpoint
    private let logger: Logger

    init(endpoint: RedisEndpoint, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
    }

    public func run(_ deliver: (FanoutFeedEvent) -> Void) async {
        let subscriber = RedisSubscriber(endpoint: endpoint, channels: [RedisFanout.channel])
        await withTaskCancellationHandler {
            for await event in subscriber {
                switch event {
                case .subscribed:
                    deliver(.subscribed)
                case .disconnected(let reason):
                    deliver(.disconnected(reason: reason))
                case .message(_, let payload):
                    do {
                        deliver(.message(try RedisMessageCodec.decode(payload)))
                    } catch {
                        logger.warning("dropped an unreadable fan-out message", metadata: ["bytes": "\(payload.count)"])
                    }
                }
            }
        } onCancel: {
            subscriber.stop()
        }
    }
}
