import ChatCore

/// A fan-out feed the test plays: every event it sends is delivered, in order, to the one
/// run of the feed.
final class ScriptedFeed: FanoutFeed {
    private let events: AsyncStream<FanoutFeedEvent>
    private let continuation: AsyncStream<FanoutFeedEvent>.Continuation

    init() {
        (events, continuation) = AsyncStream.makeStream(of: FanoutFeedEvent.self)
    }

    func send(_ event: FanoutFeedEvent) { continuation.yield(event) }

    func run(_ deliver: (FanoutFeedEvent) -> Void) async {
        for await event in events { deliver(event) }
    }
}
