import ChatInProcess
import ChatCore
import Foundation

/// A store whose message writes fail (everything else works, in memory): proves that
/// nothing unstored is broadcast and that clients get a clear error.
public actor FailingMessageStore: ChatStore {
    let base = MemoryChatStore()

    public init() {}

    public nonisolated var displayName: String { "failing" }
    public func ping() async throws {}
    public func insertUser(_ user: User) async throws { try await base.insertUser(user) }
    public func user(named username: String) async throws -> User? { try await base.user(named: username) }
    public func user(id: ObjectID) async throws -> User? { try await base.user(id: id) }
    public func users(matching search: String?, limit: Int) async throws -> [User] { try await base.users(matching: search, limit: limit) }
    public func setPasswordHash(_ hash: String, forUser id: ObjectID) async throws -> Bool { try await base.setPasswordHash(hash, forUser: id) }
    public func setDisabled(_ disabled: Bool, forUser id: ObjectID) async throws -> Bool { try await base.setDisabled(disabled, forUser: id) }
    public func deleteUser(id: ObjectID) async throws -> Bool { try await base.deleteUser(id: id) }
    public func removeMember(_ userID: ObjectID, fromRoom roomID: ObjectID) async throws -> Bool { try await base.removeMember(userID, fromRoom: roomID) }
    public func deleteRoom(id: ObjectID) async throws -> Bool { try await base.deleteRoom(id: id) }
    public func roomCount(forMember userID: ObjectID) async throws -> Int { try await base.roomCount(forMember: userID) }
    public func recordSessionEnd(_ end: SessionEnd) async throws { try await base.recordSessionEnd(end) }
    public func markEventsPending(_ events: [PendingEvent]) async throws { try await base.markEventsPending(events) }
    public func clearPendingEvents(messageIDs: [ObjectID]) async throws { try await base.clearPendingEvents(messageIDs: messageIDs) }
    public func pendingEvents(before: Date, limit: Int) async throws -> [PendingEvent] { try await base.pendingEvents(before: before, limit: limit) }
    public func claimPendingEvents(before: Date, now: Date, limit: Int) async throws -> [PendingEvent] {
        try await base.claimPendingEvents(before: before, now: now, limit: limit)
    }
    public func refreshPendingEvents(messageIDs: [ObjectID], now: Date) async throws { try await base.refreshPendingEvents(messageIDs: messageIDs, now: now) }
    public func sessionEnds(since: Date) async throws -> [SessionEnd] { try await base.sessionEnds(since: since) }
    public func insertRoom(_ room: Room) async throws { try await base.insertRoom(room) }
    public func room(named name: String) async throws -> Room? { try await base.room(named: name) }
    public func room(id: ObjectID) async throws -> Room? { try await base.room(id: id) }
    public func allRooms() async throws -> [Room] { try await base.allRooms() }
    public func addMember(_ userID: ObjectID, toRoom roomID: ObjectID) async throws { try await base.addMember(userID, toRoom: roomID) }
    public func insertMessages(_ messages: [Message]) async throws -> [Message] { throw Self.failure }
    public func messages(inRoom roomID: ObjectID, afterSequence sequence: Int64, limit: Int) async throws -> [Message] { [] }
    public func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message] { [] }
    public func newestMessageID(inRoom roomID: ObjectID) async throws -> ObjectID? { nil }
    public func messages(inRoom roomID: ObjectID, after last: Message, limit: Int) async throws -> [Message] { [] }
    public func message(id: ObjectID, inRoom roomID: ObjectID) async throws -> Message? { nil }
    public func insertNotifications(_ notifications: [ChatNotification]) async throws -> Int { 0 }
    public func notifications(for receiverID: ObjectID, query: NotificationQuery) async throws -> [ChatNotification] { [] }
    public func markSeen(receiver receiverID: ObjectID, ids: [ObjectID]?) async throws -> Int { 0 }
    public func oldMessageSummary(olderThan cutoff: Date, room: ObjectID?) async throws -> [OldMessageSummary] { [] }
    public func oldMessages(olderThan cutoff: Date, room: ObjectID?, limit: Int) async throws -> [Message] { [] }
    public func copyToArchive(_ messages: [Message]) async throws { throw Self.failure }
    public func deleteMessages(ids: [ObjectID]) async throws -> Int { throw Self.failure }
    public func archivedMessages(room: ObjectID?, from: Date?, to: Date?, limit: Int) async throws -> [Message] { [] }
    public func copyFromArchive(_ messages: [Message]) async throws { throw Self.failure }
    public func deleteArchived(ids: [ObjectID]) async throws -> Int { throw Self.failure }
    public func messageCounts(room: ObjectID?) async throws -> (live: Int, archived: Int) { (0, 0) }
    public func agedMessages(in place: LocatedMessage.Place, olderThan cutoff: Date, room: ObjectID?) async throws -> [AgedMessages] { [] }
    public func acquireLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool { try await base.acquireLease(name, token: token, expiresAt: expiresAt) }
    public func renewLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool { try await base.renewLease(name, token: token, expiresAt: expiresAt) }
    public func releaseLease(_ name: String, token: String) async throws { try await base.releaseLease(name, token: token) }
    public func locateMessage(id: ObjectID) async throws -> LocatedMessage? { nil }
    public func redactMessages(ids: [ObjectID], redaction: Redaction) async throws -> Int { throw Self.failure }
    public func redactNotifications(ids: [ObjectID]) async throws -> Int { throw Self.failure }
    public func deleteNotifications(ids: [ObjectID]) async throws -> Int { throw Self.failure }
    public func redactNotifications(sentBy sender: ObjectID) async throws -> Int { throw Self.failure }
    public func messages(matching query: SenderMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message] { [] }
    public func countMessages(matching query: SenderMessageQuery, in place: LocatedMessage.Place) async throws -> Int { 0 }
    public func recordModerationNotice(_ notice: ModerationNotice) async throws { try await base.recordModerationNotice(notice) }
    public func moderationNotices(since: Date) async throws -> [ModerationNotice] { try await base.moderationNotices(since: since) }
    public func recordAudit(_ record: AuditRecord) async throws { try await base.recordAudit(record) }
    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] { try await base.auditRecords(query) }
    public func changeRoomRules(_ change: RoomRules.Change, roomID: ObjectID) async throws -> Room? { try await base.changeRoomRules(change, roomID: roomID) }
    public func muteUser(_ mute: RoomMute) async throws { try await base.muteUser(mute) }
    public func unmuteUser(_ userID: ObjectID, inRoom roomID: ObjectID) async throws -> Bool { try await base.unmuteUser(userID, inRoom: roomID) }
    public func mutes(inRoom roomID: ObjectID, at now: Date) async throws -> [RoomMute] { try await base.mutes(inRoom: roomID, at: now) }
    public func mutes(ofUser userID: ObjectID, at now: Date) async throws -> [RoomMute] { try await base.mutes(ofUser: userID, at: now) }
    public func setBan(_ ban: Ban?, forUser id: ObjectID) async throws -> Bool { try await base.setBan(ban, forUser: id) }
    public func insertReport(_ report: Report) async throws { try await base.insertReport(report) }
    public func reports(_ query: ReportQuery) async throws -> [Report] { try await base.reports(query) }
    public func report(id: ObjectID) async throws -> Report? { try await base.report(id: id) }
    public func resolveReport(id: ObjectID, resolution: Report.Resolution) async throws -> ReportResolveOutcome {
        try await base.resolveReport(id: id, resolution: resolution)
    }
    public func roomMessages(matching query: RoomMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message] { [] }
    public func importMessages(_ messages: [Message]) async throws -> Int { throw Self.failure }

    static let failure = ChatError.backend("the database", detail: "disk full (test)")
}
