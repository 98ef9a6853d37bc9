import ChatCore
import Synchronization

/// Room fan-out inside one process: `publish` hands the message to every attached
/// receiver directly. Used when no Redis is configured (a single chat node).
public final class LocalFanout: RoomFanout {
    private let receivers = Mutex<[any FanoutReceiver]>([])

    public init() {}

    public func attach(_ receiver: any FanoutReceiver) async {
        receivers.withLock { $0.append(receiver) }
    }

    public func publish(_ message: Message) async throws {
        let current = receivers.withLock { $0 }
        for receiver in current {
            receiver.deliver(message)
        }
    }
}
