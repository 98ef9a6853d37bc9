import ChatCore
import NIOCore
import Synchronization

/// This node's notification sockets, by receiver. Pushing never waits: each socket has
/// a bounded queue, and a socket that lets it overflow is closed (its notifications are
/// stored anyway and listed by `GET /api/notifications/`).
public final class NotificationHub: NotificationPusher, DrainableHub, SessionEndingHub {
    private struct State {
        var sockets: [ObjectID: [ObjectIdentifier: NotificationConnection]] = [:]
        var draining = false
    }

    private let state = Mutex(State())
    private let metrics: ChatMetrics

    public init(metrics: ChatMetrics = .disabled) {
        self.metrics = metrics
    }

    func register(_ connection: NotificationConnection) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.draining else { return false }
            state.sockets[connection.receiverID, default: [:]][ObjectIdentifier(connection)] = connection
            return true
        }
        if accepted { metrics.connectionsOpen.increment() }
        return accepted
    }

    func unregister(_ connection: NotificationConnection) {
        let removed = state.withLock { state -> Bool in
            guard state.sockets[connection.receiverID]?.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return false }
            if state.sockets[connection.receiverID]?.isEmpty == true { state.sockets[connection.receiverID] = nil }
            return true
        }
        if removed { metrics.connectionsOpen.decrement() }
    }

    /// Sockets open on this node.
    public var totalConnections: Int { state.withLock { $0.sockets.values.reduce(0) { $0 + $1.count } } }

    /// Refuses new sockets and closes the open ones with 1001; returns how many were open.
    @discardableResult
    public func drain() -> Int {
        let open = state.withLock { state -> [NotificationConnection] in
            state.draining = true
            return state.sockets.values.flatMap(\.values)
        }
        for connection in open { connection.goAway() }
        return open.count
    }

    @discardableResult
    public func endSessions(ofUser userID: ObjectID, reason: String) -> Int {
        let sockets = state.withLock { $0.sockets[userID].map { Array($0.values) } ?? [] }
        for connection in sockets { connection.endSession(reason: reason) }
        return sockets.count
    }

    public func push(_ notifications: [ChatNotification]) -> Int {
        var queued = 0
        for notification in notifications {
            let targets = state.withLock { $0.sockets[notification.receiverID].map { Array($0.values) } ?? [] }
            guard !targets.isEmpty else { continue }
            let frame = ByteBuffer(bytes: NotificationFrame.encode(notification))
            for connection in targets where connection.enqueue(frame) { queued += 1 }
        }
        return queued
    }
}

/// One notification socket's bounded outbound queue.
final class NotificationConnection: Sendable {
    let receiverID: ObjectID
    let frames: AsyncStream<ByteBuffer>
    private let continuation: AsyncStream<ByteBuffer>.Continuation
    private let flags = Mutex((overflowed: false, goingAway: false, sessionEndReason: String?.none))

    init(receiverID: ObjectID, capacity: Int) {
        self.receiverID = receiverID
        (frames, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingOldest(capacity))
    }

    /// Queues a frame without waiting; false (and the socket closes) on overflow.
    func enqueue(_ frame: ByteBuffer) -> Bool {
        switch continuation.yield(frame) {
        case .enqueued: return true
        case .dropped:
            flags.withLock { $0.overflowed = true }
            continuation.finish()
            return false
        default: return false
        }
    }

    var hasOverflowed: Bool { flags.withLock { $0.overflowed } }
    var isGoingAway: Bool { flags.withLock { $0.goingAway } }

    /// Ends the queue after what is in it; the socket then closes with 1001.
    func goAway() {
        flags.withLock { $0.goingAway = true }
        continuation.finish()
    }

    /// The user's session ended: the queue ends and the socket closes with 1008 and `reason`.
    func endSession(reason: String) {
        flags.withLock {
            $0.goingAway = true
            $0.sessionEndReason = reason
        }
        continuation.finish()
    }

    var sessionEndReason: String? { flags.withLock { $0.sessionEndReason } }

    func finish() { continuation.finish() }
}
