/// Joins a room: adds the user to its members and returns the recent messages.
public struct JoinRoom: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// What a joining client receives first.
    public struct Result: Sendable {
        public var room: Room
        /// Up to 50 messages, newest first.
        public var recentMessages: [Message]
    }

    /// Finds a room by name; throws `ChatError.roomNotFound` (checked before any upgrade).
    public func findRoom(named name: String?) async throws -> Room {
        guard let name, !name.isEmpty else { throw ChatError.required("name") }
        guard let room = try await ports.store.room(named: name) else { throw ChatError.roomNotFound }
        return room
    }

    public func callAsFunction(room: Room, user: User) async throws -> Result {
        if !room.members.contains(user.id) {
            try await ports.store.addMember(user.id, toRoom: room.id)
        }
        let recent = try await RecentMessages(ports: ports)(room: room.id)
        return Result(room: room, recentMessages: recent)
    }
}
