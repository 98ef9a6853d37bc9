import ChatCore
import ChatInProcess
import Foundation

/// Rooms and archiving over a store (in memory by default), with injected faults for the
/// archive and retention runs: a delete that fails on its Nth call (after that batch's
/// copy: a crash mid-run), or deletes the store silently refuses (it answers that it
/// deleted nothing and keeps the messages), so that the count after a run has something
/// to catch.
public actor FlakyArchiveStore: ArchiveStore, RoomStore {
    /// What goes wrong.
    public enum Fault: Sendable, Equatable {
        /// `deleteMessages` (archiving) throws on its Nth call.
        case failLiveDelete(onCall: Int)
        /// `deleteArchived` (retention) throws on its Nth call.
        case failArchivedDelete(onCall: Int)
        /// `deleteMessages` deletes nothing and answers 0.
        case refuseLiveDeletes
        /// `deleteArchived` deletes nothing and answers 0.
        case refuseArchivedDeletes
    }

    /// The injected failure.
    public struct Injected: Error, Equatable {}

    public let base: any ChatStore
    private var fault: Fault?
    private var liveDeletes = 0
    private var archivedDeletes = 0

    public init(base: any ChatStore = MemoryChatStore(), fault: Fault? = nil) {
        self.base = base
        self.fault = fault
    }

    /// Changes (or, nil, ends) the fault; the call counts start again.
    public func inject(_ fault: Fault?) {
        self.fault = fault
        liveDeletes = 0
        archivedDeletes = 0
    }

    // MARK: Faults

    public func deleteMessages(ids: [ObjectID]) async throws -> Int {
        liveDeletes += 1
        switch fault {
        case .some(.failLiveDelete(let call)) where call == liveDeletes: throw Injected()
        case .some(.refuseLiveDeletes): return 0
        default: return try await base.deleteMessages(ids: ids)
        }
    }

    public func deleteArchived(ids: [ObjectID]) async throws -> Int {
        archivedDeletes += 1
        switch fault {
        case .some(.failArchivedDelete(let call)) where call == archivedDeletes: throw Injected()
        case .some(.refuseArchivedDeletes): return 0
        default: return try await base.deleteArchived(ids: ids)
        }
    }

    // MARK: Forwarded

    public func oldMessageSummary(olderThan cutoff: Date, room: ObjectID?) async throws -> [OldMessageSummary] {
        try await base.oldMessageSummary(olderThan: cutoff, room: room)
    }
    public func oldMessages(olderThan cutoff: Date, room: ObjectID?, limit: Int) async throws -> [Message] {
        try await base.oldMessages(olderThan: cutoff, room: room, limit: limit)
    }
    public func copyToArchive(_ messages: [Message]) async throws { try await base.copyToArchive(messages) }
    public func archivedMessages(room: ObjectID?, from: Date?, to: Date?, limit: Int) async throws -> [Message] {
        try await base.archivedMessages(room: room, from: from, to: to, limit: limit)
    }
    public func copyFromArchive(_ messages: [Message]) async throws { try await base.copyFromArchive(messages) }
    public func messageCounts(room: ObjectID?) async throws -> (live: Int, archived: Int) { try await base.messageCounts(room: room) }
    public func agedMessages(in place: LocatedMessage.Place, olderThan cutoff: Date, room: ObjectID?) async throws -> [AgedMessages] {
        try await base.agedMessages(in: place, olderThan: cutoff, room: room)
    }
    public func insertRoom(_ room: Room) async throws { try await base.insertRoom(room) }
    public func room(named name: String) async throws -> Room? { try await base.room(named: name) }
    public func room(id: ObjectID) async throws -> Room? { try await base.room(id: id) }
    public func allRooms() async throws -> [Room] { try await base.allRooms() }
    public func addMember(_ userID: ObjectID, toRoom roomID: ObjectID) async throws { try await base.addMember(userID, toRoom: roomID) }
    public func removeMember(_ userID: ObjectID, fromRoom roomID: ObjectID) async throws -> Bool { try await base.removeMember(userID, fromRoom: roomID) }
    public func roomCount(forMember userID: ObjectID) async throws -> Int { try await base.roomCount(forMember: userID) }
    public func deleteRoom(id: ObjectID) async throws -> Bool { try await base.deleteRoom(id: id) }
}
