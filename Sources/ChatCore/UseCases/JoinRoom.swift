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
        try await ensureMember(user, of: room)
        let recent = try await RecentMessages(ports: ports)(room: room.id)
        return Result(room: room, recentMessages: recent)
    }

    /// What a reconnecting client (`since=<last message id>`) receives.
    public enum Resumed: Sendable {
        /// Every message after the client's last one, oldest first (maybe none).
        case missed([Message])
        /// The client's last message is gone (archived, deleted, another room's) or more
        /// than the limit came after it: start over from the recent messages (newest first).
        case resync(reason: String, recent: [Message])
    }

    /// Joins a room for a client that saw messages up to `lastID`: the messages it
    /// missed come from the store, in order, up to `limit`.
    public func resume(room: Room, user: User, after lastID: ObjectID, limit: Int) async throws -> Resumed {
        try await ensureMember(user, of: room)
        func resync(_ reason: String) async throws -> Resumed {
            .resync(reason: reason, recent: try await RecentMessages(ports: ports)(room: room.id))
        }
        guard let last = try await ports.store.message(id: lastID, inRoom: room.id) else {
            return try await resync("message \(lastID.hex) is no longer in this room's history")
        }
        let missed = try await ports.store.messages(inRoom: room.id, after: last, limit: limit + 1)
        guard missed.count <= limit else {
            return try await resync("more than \(limit) messages since \(lastID.hex)")
        }
        return .missed(missed)
    }

    private func ensureMember(_ user: User, of room: Room) async throws {
        if !room.members.contains(user.id) {
            try await ports.store.addMember(user.id, toRoom: room.id)
        }
    }
}
