import Foundation
import Logging

/// What an operator does to rooms (`chatctl rooms …`) beyond creating them.
public struct RoomAdministration: Sendable {
    let store: any ChatStore
    let cache: any RecentMessageCache
    let logger: Logger

    public init(ports: ChatPorts) { self.init(store: ports.store, cache: ports.cache, logger: ports.logger) }

    /// Only what administration needs (a CLI process has no token key).
    public init(store: any ChatStore, cache: any RecentMessageCache, logger: Logger) {
        self.store = store
        self.cache = cache
        self.logger = logger
    }

    /// The room with this name.
    /// - Throws: `ChatError.roomNotFound`.
    public func room(named name: String) async throws -> Room {
        guard let room = try await store.room(named: name) else { throw ChatError.roomNotFound }
        return room
    }

    /// The room's members in join order, with the ids no user has any more.
    public func members(of room: Room) async throws -> (users: [User], unknownIDs: [ObjectID]) {
        var users: [User] = []
        var unknown: [ObjectID] = []
        for id in room.members {
            if let user = try await store.user(id: id) { users.append(user) } else { unknown.append(id) }
        }
        return (users, unknown)
    }

    /// Adds a member; returns false when it already was one.
    public func addMember(_ user: User, to room: Room) async throws -> Bool {
        guard !room.members.contains(user.id) else { return false }
        try await store.addMember(user.id, toRoom: room.id)
        logger.info("member added", metadata: ["room": "\(room.name)", "user": "\(user.username)"])
        return true
    }

    /// Takes a member out (it stops getting notifications; joining again adds it back,
    /// as in the Go service, where any user may join any room). False when it was not one.
    public func removeMember(_ user: User, from room: Room) async throws -> Bool {
        let removed = try await store.removeMember(user.id, fromRoom: room.id)
        if removed { logger.info("member removed", metadata: ["room": "\(room.name)", "user": "\(user.username)"]) }
        return removed
    }

    /// What deleting a room did.
    public struct DeleteReport: Sendable, Codable, Equatable {
        public var room: String
        public var roomID: String
        /// Messages moved to `archived_messages` (with `archiveMessages`).
        public var archived: Int
        /// Messages deleted for good (without it).
        public var deleted: Int
    }

    /// Deletes a room: first its messages (moved to the archive, or deleted), batch by
    /// batch with `progress(done, total)`, then the room, then its cache. A failure part
    /// way leaves the room in place with fewer messages; running it again finishes it.
    public func delete(
        _ room: Room, archiveMessages: Bool, batchSize: Int = 1000,
        progress: @Sendable (Int, Int) async -> Void = { _, _ in }
    ) async throws -> DeleteReport {
        let everything = Date.distantFuture
        var report = DeleteReport(room: room.name, roomID: room.id.hex, archived: 0, deleted: 0)
        let total = try await store.messageCounts(room: room.id).live
        var done = 0
        while true {
            let batch = try await store.oldMessages(olderThan: everything, room: room.id, limit: batchSize)
            guard !batch.isEmpty else { break }
            if archiveMessages { try await store.copyToArchive(batch) }
            let removed = try await store.deleteMessages(ids: batch.map(\.id))
            if archiveMessages { report.archived += batch.count } else { report.deleted += removed }
            done += batch.count
            await progress(done, max(total, done))
        }
        _ = try await store.deleteRoom(id: room.id)
        await cache.invalidate(room: room.id, name: room.name)
        logger.info(
            "room deleted", metadata: ["room": "\(room.name)", "archived": "\(report.archived)", "deleted": "\(report.deleted)"])
        return report
    }
}
