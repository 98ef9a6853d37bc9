import ChatCore
import Foundation

/// Room rules, mutes and bans, in memory.
extension MemoryChatStore {
    public func changeRoomRules(_ change: RoomRules.Change, roomID: ObjectID) async throws -> Room? {
        guard var room = roomsByID[roomID] else { return nil }
        room.rules = room.rules.applying(change)
        roomsByID[roomID] = room
        return room
    }

    public func muteUser(_ mute: RoomMute) async throws {
        let now = Date()
        for roomID in mutesByRoom.keys { mutesByRoom[roomID] = mutesByRoom[roomID]!.filter { $0.value.isActive(at: now) } }
        mutesByRoom[mute.roomID, default: [:]][mute.userID] = mute
    }

    public func unmuteUser(_ userID: ObjectID, inRoom roomID: ObjectID) async throws -> Bool {
        mutesByRoom[roomID]?.removeValue(forKey: userID) != nil
    }

    public func mutes(inRoom roomID: ObjectID, at now: Date) async throws -> [RoomMute] {
        (mutesByRoom[roomID] ?? [:]).values.filter { $0.isActive(at: now) }.sorted { ($0.at, $0.userID) < ($1.at, $1.userID) }
    }

    public func mutes(ofUser userID: ObjectID, at now: Date) async throws -> [RoomMute] {
        mutesByRoom.values.compactMap { $0[userID] }.filter { $0.isActive(at: now) }.sorted { ($0.at, $0.roomID) < ($1.at, $1.roomID) }
    }

    public func setBan(_ ban: Ban?, forUser id: ObjectID) async throws -> Bool {
        guard usersByID[id] != nil else { return false }
        usersByID[id]!.ban = ban
        return true
    }
}
