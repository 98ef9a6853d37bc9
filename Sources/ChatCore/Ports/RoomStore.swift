/// Where rooms and their members live.
public protocol RoomStore: Sendable {
    /// Inserts a new room; throws `ChatError.roomExists` when the name is taken.
    func insertRoom(_ room: Room) async throws
    /// The room with exactly this name, if any.
    func room(named name: String) async throws -> Room?
    /// The room with this id, if any.
    func room(id: ObjectID) async throws -> Room?
    /// Every room, ordered by name.
    func allRooms() async throws -> [Room]
    /// Adds a member to a room (a set: adding twice keeps one).
    func addMember(_ userID: ObjectID, toRoom roomID: ObjectID) async throws
    /// Takes a member out of a room; false when it was not a member.
    func removeMember(_ userID: ObjectID, fromRoom roomID: ObjectID) async throws -> Bool
    /// How many rooms the user belongs to (`limits.rooms_per_user`).
    func roomCount(forMember userID: ObjectID) async throws -> Int
    /// Deletes the room itself (not its messages); false when there was no such room.
    func deleteRoom(id: ObjectID) async throws -> Bool
}
