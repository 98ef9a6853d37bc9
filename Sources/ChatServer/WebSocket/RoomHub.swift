import ChatCore
import Synchronization

/// This node's sockets, by room. Receives every fanned-out message and hands one
/// shared encoded frame to each socket of the message's room.
public final class RoomHub: FanoutReceiver {
    private let rooms = Mutex<[ObjectID: [ObjectIdentifier: RoomConnection]]>([:])

    public init() {}

    func register(_ connection: RoomConnection) {
        rooms.withLock { $0[connection.roomID, default: [:]][ObjectIdentifier(connection)] = connection }
    }

    func unregister(_ connection: RoomConnection) {
        rooms.withLock { rooms in
            rooms[connection.roomID]?[ObjectIdentifier(connection)] = nil
            if rooms[connection.roomID]?.isEmpty == true { rooms[connection.roomID] = nil }
        }
    }

    /// Sockets connected to a room on this node.
    public func connectedCount(room roomID: ObjectID) -> Int {
        rooms.withLock { $0[roomID]?.count ?? 0 }
    }

    /// Sockets connected on this node, all rooms.
    public var totalConnections: Int {
        rooms.withLock { $0.values.reduce(0) { $0 + $1.count } }
    }

    public func deliver(_ message: Message) {
        let targets = rooms.withLock { rooms in rooms[message.roomID].map { Array($0.values) } ?? [] }
        guard !targets.isEmpty else { return }
        let frame = RoomConnection.Frame(messageID: message.id, buffer: FrameEncoder.messageFrame(message))
        for connection in targets {
            connection.enqueue(frame)
        }
    }
}
