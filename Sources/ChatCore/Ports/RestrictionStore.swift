import Foundation

/// What restricts who may post in a room or use an account, beyond `disabled`: a room's
/// rules, mutes and bans (`chatctl rooms set|mute|unmute`, `users ban|unban`). Every
/// change is one atomic step of the store, so two operators changing one room at once
/// both get their change.
public protocol RestrictionStore: Sendable {
    /// Applies `change` to the room's rules (as `RoomRules.applying` does) and returns the
    /// room as it is now; nil when there is no such room.
    func changeRoomRules(_ change: RoomRules.Change, roomID: ObjectID) async throws -> Room?
    /// Mutes a user in a room, replacing any mute it had there (and forgets mutes that ended).
    func muteUser(_ mute: RoomMute) async throws
    /// Lifts the user's mute in the room; false when it had none.
    func unmuteUser(_ userID: ObjectID, inRoom roomID: ObjectID) async throws -> Bool
    /// The room's mutes that hold at `now`, oldest first.
    func mutes(inRoom roomID: ObjectID, at now: Date) async throws -> [RoomMute]
    /// The user's mutes that hold at `now`, in every room, oldest first.
    func mutes(ofUser userID: ObjectID, at now: Date) async throws -> [RoomMute]
    /// Sets the user's ban (nil removes it); false when there is no such user.
    func setBan(_ ban: Ban?, forUser id: ObjectID) async throws -> Bool
}
