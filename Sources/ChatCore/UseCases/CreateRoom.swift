import Logging

/// Creates a room; its creator becomes its first member.
public struct CreateRoom: Sendable {
    let store: any RoomStore
    let logger: Logger

    public init(ports: ChatPorts) { self.init(store: ports.store, logger: ports.logger) }

    /// Only what creating a room needs (`chatctl rooms create` has no token key).
    public init(store: any RoomStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// - Throws: `ChatError` for a bad name, `ChatError.roomExists` when it is taken.
    public func callAsFunction(name: String?, creator: User?) async throws -> Room {
        let name = try InputRules.validateRoomName(name)
        let room = Room(name: name, members: creator.map { [$0.id] } ?? [])
        try await store.insertRoom(room)
        logger.info("room created", metadata: ["room": "\(name)", "room_id": "\(room.id)"])
        return room
    }
}
