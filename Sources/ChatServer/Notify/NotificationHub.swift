import ChatCore
import NIOCore
import Synchronization

/// This node's notification sockets, by receiver. Pushing never waits: each frame is
/// written into the socket's channel, and a socket whose channel backs up is closed
/// (its notifications are stored anyway and listed by `GET /api/notifications/`).
///
/// A gentle drain (`ReconnectableHub`) refuses new sockets before their upgrade and asks
/// the open ones, a batch at a time, to reconnect elsewhere (a `reconnect` frame without
/// `since`, then 1012).
public final class NotificationHub: NotificationPusher, ReconnectableHub, SessionEndingHub, ConnectionDirectory {
    private struct State {
        var sockets: [ObjectID: [ObjectIdentifier: NotificationConnection]] = [:]
        var intake = HubIntake.open
    }

    private let state = Mutex(State())
    private let metrics: ChatMetrics

    public init(metrics: ChatMetrics = .disabled) {
        self.metrics = metrics
    }

    func register(_ connection: NotificationConnection) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard state.intake == .open else { return false }
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

    /// Whether the hub takes new sockets, and how it refuses them.
    var intake: HubIntake { state.withLock { $0.intake } }

    /// Refuses new sockets and closes the open ones with 1001; returns how many were open.
    @discardableResult
    public func drain() -> Int {
        let open = state.withLock { state -> [NotificationConnection] in
            state.intake = .shuttingDown
            return state.sockets.values.flatMap(\.values)
        }
        for connection in open { connection.goAway() }
        return open.count
    }

    // MARK: Gentle drain

    public func refuseNewSockets() {
        state.withLock { state in
            if state.intake == .open { state.intake = .reconnecting }
        }
    }

    /// A notification socket has no join: `includingJoining` changes nothing.
    public func askToReconnect(upTo limit: Int, includingJoining: Bool) -> Int {
        guard limit > 0 else { return 0 }
        let candidates = state.withLock { $0.sockets.values.flatMap(\.values) }
        var asked = 0
        for connection in candidates {
            guard asked < limit else { break }
            if connection.askToReconnect() { asked += 1 }
        }
        return asked
    }

    @discardableResult
    public func endSessions(ofUser userID: ObjectID, reason: String) -> Int {
        kick(matching: ConnectionFilter(userID: userID), reason: reason)
    }

    // MARK: Operator API

    public func connections(matching filter: ConnectionFilter) -> [ConnectionInfo] {
        registered(matching: filter).map { $0.info() }
    }

    @discardableResult
    public func kick(matching filter: ConnectionFilter, reason: String) -> Int {
        let sockets = registered(matching: filter)
        for connection in sockets { connection.endSession(reason: reason) }
        return sockets.count
    }

    /// The registered sockets `filter` means (a user's through the receiver index); none
    /// for a room (a notification socket has none).
    private func registered(matching filter: ConnectionFilter) -> [NotificationConnection] {
        guard filter.roomID == nil else { return [] }
        return state.withLock { state in
            let candidates: [NotificationConnection]
            if let userID = filter.userID {
                candidates = state.sockets[userID].map { Array($0.values) } ?? []
            } else {
                candidates = state.sockets.values.flatMap(\.values)
            }
            return candidates.filter { $0.meter.matches(filter) }
        }
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
