/// `limits.rooms_per_user`: a user may belong to at most this many rooms; creating or
/// joining one more is refused (429). Checked before the room is created or joined (two
/// joins racing at the limit may both pass: the limit is against abuse, not a ledger).
public struct RoomLimit: Sendable {
    /// 0: no limit.
    public let roomsPerUser: Int

    public init(roomsPerUser: Int) { self.roomsPerUser = roomsPerUser }

    /// Throws `ChatError.tooManyRequests` when `userID` already belongs to the most rooms allowed.
    public func check(_ userID: ObjectID, in store: any RoomStore) async throws {
        guard roomsPerUser > 0 else { return }
        let count = try await store.roomCount(forMember: userID)
        guard count < roomsPerUser else {
            throw ChatError.tooMany("room limit reached: a user may belong to at most \(roomsPerUser) rooms")
        }
    }
}
