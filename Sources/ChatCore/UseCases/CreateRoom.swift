/// Creates a room; its creator becomes its first member.
public struct CreateRoom: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// - Throws: `ChatError` for a bad name, `ChatError.roomExists` when it is taken.
    public func callAsFunction(name: String?, creator: User?) async throws -> Room {
        let name = try InputRules.validateRoomName(name)
        let room = Room(name: name, members: creator.map { [$0.id] } ?? [])
        try await ports.store.insertRoom(room)
        ports.logger.info("room created", metadata: ["room": "\(name)", "room_id": "\(room.id)"])
        return room
    }
}
