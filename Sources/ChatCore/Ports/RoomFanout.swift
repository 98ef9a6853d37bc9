/// Receives every message posted in any room (on this node or, with Redis, any node).
public protocol FanoutReceiver: AnyObject, Sendable {
    /// Called once per message, in the order the fan-out accepted them. Must not block.
    func deliver(_ message: Message)
}

/// Carries stored messages to the nodes that hold sockets of the room.
public protocol RoomFanout: Sendable {
    /// Registers the receiver that hands messages to this node's sockets.
    func attach(_ receiver: any FanoutReceiver) async
    /// Sends a stored message to every attached receiver, on every node.
    func publish(_ message: Message) async throws
}
