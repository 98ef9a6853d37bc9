import ChatCore
import NIOCore
import Synchronization

/// This node's sockets, by room. Receives every fanned-out message and hands one
/// shared encoded frame to each socket of the message's room.
///
/// On graceful shutdown `drain()` refuses new sockets and asks every open one to
/// finish its in-flight post and close with 1001 "going away". A gentle drain
/// (`ReconnectableHub`) refuses new sockets before their upgrade and asks the open ones,
/// a batch at a time, to reconnect elsewhere.
public final class RoomHub: FanoutReceiver, ReconnectableHub, SessionEndingHub, ConnectionDirectory {
    private struct State {
        var rooms: [ObjectID: [ObjectIdentifier: RoomConnection]] = [:]
        var intake = HubIntake.open
    }

    private let state = Mutex(State())
    private let metrics: ChatMetrics
    /// One per event loop that has room sockets.
    private let flushers = Mutex<[ObjectIdentifier: LoopFlusher]>([:])

    public init(metrics: ChatMetrics = .disabled) {
        self.metrics = metrics
    }

    /// Adds a socket; false once the hub is draining (the socket must close at once: see `intake`).
    func register(_ connection: RoomConnection) -> Bool {
        let (accepted, newRoom) = state.withLock { state -> (Bool, Bool) in
            guard state.intake == .open else { return (false, false) }
            let newRoom = state.rooms[connection.roomID] == nil
            state.rooms[connection.roomID, default: [:]][ObjectIdentifier(connection)] = connection
            return (true, newRoom)
        }
        if accepted { metrics.connectionsOpen.increment() }
        if newRoom { metrics.roomsActive.increment() }
        return accepted
    }

    func unregister(_ connection: RoomConnection) {
        let (removed, roomGone) = state.withLock { state -> (Bool, Bool) in
            guard state.rooms[connection.roomID]?.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return (false, false) }
            if state.rooms[connection.roomID]?.isEmpty == true {
                state.rooms[connection.roomID] = nil
                return (true, true)
            }
            return (true, false)
        }
        if removed { metrics.connectionsOpen.decrement() }
        if roomGone { metrics.roomsActive.decrement() }
    }

    /// Sockets connected to a room on this node.
    public func connectedCount(room roomID: ObjectID) -> Int {
        state.withLock { $0.rooms[roomID]?.count ?? 0 }
    }

    /// Sockets connected on this node, all rooms.
    public var totalConnections: Int {
        state.withLock { $0.rooms.values.reduce(0) { $0 + $1.count } }
    }

    /// Sockets connected on this node, by room (rooms with at least one).
    public func connectedCounts() -> [ObjectID: Int] {
        state.withLock { state in state.rooms.mapValues(\.count).filter { $0.value > 0 } }
    }

    /// Rooms with at least one socket on this node.
    public var activeRooms: Int {
        state.withLock { $0.rooms.count }
    }

    /// Whether the hub takes new sockets, and how it refuses them.
    var intake: HubIntake { state.withLock { $0.intake } }

    /// Refuses new sockets and tells every open one to go away; returns how many were open.
    @discardableResult
    public func drain() -> Int {
        let open = state.withLock { state -> [RoomConnection] in
            state.intake = .shuttingDown
            return state.rooms.values.flatMap(\.values)
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

    public func askToReconnect(upTo limit: Int, includingJoining: Bool) -> Int {
        guard limit > 0 else { return 0 }
        // Asked outside the hub's lock (each takes its socket's).
        let candidates = state.withLock { $0.rooms.values.flatMap(\.values) }
        var asked = 0
        for connection in candidates {
            guard asked < limit else { break }
            if connection.askToReconnect(includingJoining: includingJoining) { asked += 1 }
        }
        return asked
    }

    public func endSessions(ofUser userID: ObjectID, reason: String) -> Int {
        kick(matching: ConnectionFilter(userID: userID), reason: reason)
    }

    // MARK: Operator API

    public func connections(matching filter: ConnectionFilter) -> [ConnectionInfo] {
        // Each socket's figures are read outside the hub's lock (they take the socket's).
        registered(matching: filter).map { $0.info() }
    }

    @discardableResult
    public func kick(matching filter: ConnectionFilter, reason: String) -> Int {
        let sockets = registered(matching: filter)
        for connection in sockets { connection.endSession(reason: reason) }
        return sockets.count
    }

    /// The registered sockets `filter` means (a room's through the room's index).
    private func registered(matching filter: ConnectionFilter) -> [RoomConnection] {
        state.withLock { state in
            let candidates: [RoomConnection]
            if let roomID = filter.roomID {
                candidates = state.rooms[roomID].map { Array($0.values) } ?? []
            } else {
                candidates = state.rooms.values.flatMap(\.values)
            }
            return candidates.filter { $0.meter.matches(filter) }
        }
    }

    /// Tells this node's sockets of the notice's room which messages were deleted or
    /// redacted: one frame per message, to every socket of the room (one still joining
    /// gets them after its history frame). Returns how many sockets were told.
    @discardableResult
    public func moderate(_ notice: ModerationNotice) -> Int {
        let targets = state.withLock { state in state.rooms[notice.roomID].map { Array($0.values) } ?? [] }
        guard !targets.isEmpty else { return 0 }
        // No message id on these frames: the history frame having had the message is no
        // reason to skip them.
        let frames = notice.messageIDs.map { id in
            RoomConnection.Frame(buffer: FrameEncoder.moderationFrame(notice.kind, messageID: id, roomName: notice.roomName, roomID: notice.roomID))
        }
        for connection in targets { connection.send(frames) }
        return targets.count
    }

    public func deliver(_ message: Message) {
        let targets = state.withLock { state in state.rooms[message.roomID].map { Array($0.values) } ?? [] }
        let sinceStored = metrics.fanoutClock.delivered(message.id)
        guard !targets.isEmpty else { return }
        let frame = RoomConnection.Frame(messageID: message.id, buffer: FrameEncoder.messageFrame(message))
        // One task per event loop writes the frame to all of that loop's live sockets.
        var live: [ObjectIdentifier: (loop: any EventLoop, sockets: [RoomConnection])] = [:]
        for connection in targets where connection.route(frame) == .direct {
            let loop = connection.channel.eventLoop
            live[ObjectIdentifier(loop), default: (loop, [])].sockets.append(connection)
        }
        for (key, group) in live {
            let sockets = group.sockets
            let flusher = flushers.withLock { flushers in
                if let flusher = flushers[key] { return flusher }
                let flusher = LoopFlusher(loop: group.loop)
                flushers[key] = flusher
                return flusher
            }
            group.loop.execute {
                for connection in sockets where connection.writeNow(frame, flush: false) { flusher.needsFlush(connection) }
            }
        }
        metrics.messagesBroadcast.increment()
        metrics.deliveries.increment(by: targets.count)
        if let sinceStored { metrics.fanoutLatency.record(sinceStored) }
    }
}
