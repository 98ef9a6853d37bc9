import ChatCore
import Synchronization

/// What a follower told, in order.
final class FollowRecorder: Sendable {
    private let recorded = Mutex<[FollowEvent]>([])

    func record(_ event: FollowEvent) { recorded.withLock { $0.append(event) } }

    var events: [FollowEvent] { recorded.withLock { $0 } }

    /// The messages handed on, in order.
    var messages: [Message] {
        events.flatMap { event -> [Message] in
            guard case .messages(let messages) = event else { return [] }
            return messages
        }
    }

    /// Everything told but messages (outages and their ends).
    var notices: [FollowEvent] {
        events.filter { event in
            if case .messages = event { return false }
            return true
        }
    }
}
