import ChatCore
import Foundation

/// The whole store in memory: for tests and throw-away runs. Nothing survives the process.
public actor MemoryChatStore: ChatStore {
    // Not private: read and changed by `MemoryChatStore+Restrictions`.
    var usersByID: [ObjectID: User] = [:]
    // Not private: kept in step by `MemoryChatStore+Transfer` too.
    var userIDsByName: [String: ObjectID] = [:]
    var userIDsByEmail: [String: ObjectID] = [:]
    var roomsByID: [ObjectID: Room] = [:]
    var roomIDsByName: [String: ObjectID] = [:]
    /// Mutes by room, then user (`MemoryChatStore+Restrictions`).
    var mutesByRoom: [ObjectID: [ObjectID: RoomMute]] = [:]
    // Not private: read and changed by `MemoryChatStore+Moderation`.
    /// Oldest first, per room.
    var messagesByRoom: [ObjectID: [Message]] = [:]
    var notificationsByReceiver: [ObjectID: [ChatNotification]] = [:]
    var archived: [ObjectID: Message] = [:]
    /// Each room's sequence counter, the last number it gave out (as `rooms.last_seq` on
    /// SQLite and MongoDB): only `takeSequence` and `raiseSequence` change it, and only
    /// forward, so deleting or archiving messages never frees a number.
    var lastSequenceByRoom: [ObjectID: Int64] = [:]
    var moderationNoticeLog: [ModerationNotice] = []
    /// Oldest first.
    var auditLog: [AuditRecord] = []
    /// Members' reports by id (`MemoryChatStore+Reports`).
    var reportsByID: [ObjectID: Report] = [:]
    private var leases: [String: (token: String, expiresAt: Date)] = [:]
    private var sessionEndLog: [SessionEnd] = []
    private var pending: [ObjectID: PendingEvent] = [:]

    public init() {}

    public nonisolated var displayName: String { "memory" }

    public func ping() async throws {}

    public func insertUser(_ user: User) async throws {
        guard userIDsByName[user.username] == nil else { throw ChatError.usernameTaken }
        guard userIDsByEmail[user.email] == nil else { throw ChatError.emailTaken }
        usersByID[user.id] = user
        userIDsByName[user.username] = user.id
        userIDsByEmail[user.email] = user.id
    }

    public func user(named username: String) async throws -> User? {
        userIDsByName[username].flatMap { usersByID[$0] }
    }

    public func user(id: ObjectID) async throws -> User? { usersByID[id] }

    public func users(matching search: String?, limit: Int) async throws -> [User] {
        let needle = search?.lowercased() ?? ""
        let matching = usersByID.values.filter { user in
            needle.isEmpty || user.username.lowercased().contains(needle) || user.email.lowercased().contains(needle)
        }
        return Array(matching.sorted { $0.username < $1.username }.prefix(limit))
    }

    public func setPasswordHash(_ hash: String, forUser id: ObjectID) async throws -> Bool {
        guard usersByID[id] != nil else { return false }
        usersByID[id]!.passwordHash = hash
        return true
    }

    public func setDisabled(_ disabled: Bool, forUser id: ObjectID) async throws -> Bool {
        guard usersByID[id] != nil else { return false }
        usersByID[id]!.disabled = disabled
        return true
    }

    public func deleteUser(id: ObjectID) async throws -> Bool {
        guard let user = usersByID.removeValue(forKey: id) else { return false }
        userIDsByName[user.username] = nil
        userIDsByEmail[user.email] = nil
        for roomID in roomsByID.keys { roomsByID[roomID]!.members.removeAll { $0 == id } }
        for roomID in mutesByRoom.keys { mutesByRoom[roomID]![id] = nil }
        notificationsByReceiver[id] = nil
        return true
    }

    public func insertRoom(_ room: Room) async throws {
        guard roomIDsByName[room.name] == nil else { throw ChatError.roomExists }
        roomsByID[room.id] = room
        roomIDsByName[room.name] = room.id
    }

    public func room(named name: String) async throws -> Room? {
        roomIDsByName[name].flatMap { roomsByID[$0] }
    }

    public func room(id: ObjectID) async throws -> Room? { roomsByID[id] }

    public func allRooms() async throws -> [Room] {
        roomsByID.values.sorted { $0.name < $1.name }
    }

    public func addMember(_ userID: ObjectID, toRoom roomID: ObjectID) async throws {
        guard var room = roomsByID[roomID] else { throw ChatError.roomNotFound }
        if !room.members.contains(userID) {
            room.members.append(userID)
            roomsByID[roomID] = room
        }
    }

    public func removeMember(_ userID: ObjectID, fromRoom roomID: ObjectID) async throws -> Bool {
        guard let index = roomsByID[roomID]?.members.firstIndex(of: userID) else { return false }
        roomsByID[roomID]!.members.remove(at: index)
        return true
    }

    public func roomCount(forMember userID: ObjectID) async throws -> Int {
        roomsByID.values.count { $0.members.contains(userID) }
    }

    public func deleteRoom(id: ObjectID) async throws -> Bool {
        guard let room = roomsByID.removeValue(forKey: id) else { return false }
        roomIDsByName[room.name] = nil
        mutesByRoom[id] = nil
        return true
    }

    public func insertMessages(_ messages: [Message]) async throws -> [Message] {
        messages.map { message in
            if let clientID = message.clientID, let earlier = storedMessage(from: message.senderID, clientID: clientID),
                message.timestamp.millisecondsSince1970 - earlier.timestamp.millisecondsSince1970 < ClientIDWindow.milliseconds
            {
                return withNames(earlier)
            }
            var stored = message
            stored.sequence = takeSequence(inRoom: message.roomID)
            messagesByRoom[message.roomID, default: []].append(stored)
            return stored
        }
    }

    /// The room's next number, taken from its counter (as the real stores number).
    /// Not private: `MemoryChatStore+Transfer` numbers imported messages with it.
    func takeSequence(inRoom roomID: ObjectID) -> Int64 {
        let next = (lastSequenceByRoom[roomID] ?? 0) + 1
        lastSequenceByRoom[roomID] = next
        return next
    }

    /// Moves the room's counter up to `sequence`, never down (a number kept by an import,
    /// a copy or a restore).
    func raiseSequence(inRoom roomID: ObjectID, to sequence: Int64) {
        if sequence > lastSequenceByRoom[roomID] ?? 0 { lastSequenceByRoom[roomID] = sequence }
    }

    /// The live message a sender stored with this client id, if any (a scan: test store).
    private func storedMessage(from senderID: ObjectID, clientID: String) -> Message? {
        for messages in messagesByRoom.values {
            if let found = messages.first(where: { $0.senderID == senderID && $0.clientID == clientID }) { return found }
        }
        return nil
    }

    public func message(id: ObjectID, inRoom roomID: ObjectID) async throws -> Message? {
        (messagesByRoom[roomID] ?? []).first { $0.id == id }.map(withNames)
    }

    public func messages(inRoom roomID: ObjectID, afterSequence sequence: Int64, limit: Int) async throws -> [Message] {
        (messagesByRoom[roomID] ?? []).filter { $0.sequence > sequence }.prefix(limit).map(withNames)
    }

    /// Like SQLite (only chatctl writes here): the room sequence after `last`'s.
    public func messages(inRoom roomID: ObjectID, after last: Message, limit: Int) async throws -> [Message] {
        try await messages(inRoom: roomID, afterSequence: last.sequence, limit: limit)
    }

    public func newestMessageID(inRoom roomID: ObjectID) async throws -> ObjectID? {
        (messagesByRoom[roomID] ?? []).max { ($0.sequence, $0.timestamp, $0.id) < ($1.sequence, $1.timestamp, $1.id) }?.id
    }

    /// Names as the store knows them now (as the SQLite and MongoDB stores join them).
    func withNames(_ message: Message) -> Message {
        var named = message
        if let room = roomsByID[message.roomID] { named.roomName = room.name }
        if let sender = usersByID[message.senderID] { named.senderName = sender.username }
        return named
    }

    public func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message] {
        let all = messagesByRoom[roomID] ?? []
        return all.sorted { ($0.sequence, $0.timestamp, $0.id) > ($1.sequence, $1.timestamp, $1.id) }.prefix(limit).map(withNames)
    }

    @discardableResult
    public func insertNotifications(_ notifications: [ChatNotification]) async throws -> Int {
        var inserted = 0
        for notification in notifications where !(notificationsByReceiver[notification.receiverID] ?? []).contains(where: { $0.id == notification.id }) {
            notificationsByReceiver[notification.receiverID, default: []].append(notification)
            inserted += 1
        }
        return inserted
    }

    public func notifications(for receiverID: ObjectID, query: NotificationQuery) async throws -> [ChatNotification] {
        let all = (notificationsByReceiver[receiverID] ?? []).sorted { ($0.timestamp, $0.id.hex) > ($1.timestamp, $1.id.hex) }
        let matching = all.filter { notification in
            (!query.unseenOnly || !notification.seen) && (query.before.map { notification.timestamp < $0 } ?? true)
        }
        return Array(matching.prefix(query.limit))
    }

    public func markSeen(receiver receiverID: ObjectID, ids: [ObjectID]?) async throws -> Int {
        let wanted = ids.map(Set.init)
        var changed = 0
        for index in (notificationsByReceiver[receiverID] ?? []).indices {
            let notification = notificationsByReceiver[receiverID]![index]
            if !notification.seen, wanted?.contains(notification.id) ?? true {
                notificationsByReceiver[receiverID]![index].seen = true
                changed += 1
            }
        }
        return changed
    }

    // MARK: Archive

    public func oldMessageSummary(olderThan cutoff: Date, room: ObjectID?) async throws -> [OldMessageSummary] {
        var rooms: [ObjectID: OldMessageSummary] = [:]
        for message in messagesByRoom.values.joined() where message.timestamp < cutoff && (room == nil || message.roomID == room) {
            var summary = rooms[message.roomID] ?? OldMessageSummary(roomID: message.roomID, count: 0, bytes: 0, oldest: message.timestamp)
            summary.count += 1
            summary.bytes += message.content.utf8.count
            summary.oldest = min(summary.oldest, message.timestamp)
            rooms[message.roomID] = summary
        }
        return rooms.values.sorted { $0.roomID.hex < $1.roomID.hex }
    }

    public func oldMessages(olderThan cutoff: Date, room: ObjectID?, limit: Int) async throws -> [Message] {
        Array(
            messagesByRoom.values.joined().filter { $0.timestamp < cutoff && (room == nil || $0.roomID == room) }
                .sorted { ($0.timestamp, $0.id.hex) < ($1.timestamp, $1.id.hex) }.prefix(limit).map(withNames))
    }

    public func copyToArchive(_ messages: [Message]) async throws {
        for message in messages where archived[message.id] == nil { archived[message.id] = message }
    }

    public func deleteMessages(ids: [ObjectID]) async throws -> Int {
        let wanted = Set(ids)
        var deleted = 0
        for room in messagesByRoom.keys {
            let before = messagesByRoom[room]!.count
            messagesByRoom[room]!.removeAll { wanted.contains($0.id) }
            deleted += before - messagesByRoom[room]!.count
        }
        return deleted
    }

    public func archivedMessages(room: ObjectID?, from: Date?, to: Date?, limit: Int) async throws -> [Message] {
        let matching = archived.values.filter { message in
            (room == nil || message.roomID == room) && (from.map { message.timestamp >= $0 } ?? true) && (to.map { message.timestamp < $0 } ?? true)
        }
        return Array(matching.sorted { ($0.timestamp, $0.id.hex) < ($1.timestamp, $1.id.hex) }.prefix(limit).map(withNames))
    }

    public func copyFromArchive(_ messages: [Message]) async throws {
        for var message in messages where !(messagesByRoom[message.roomID] ?? []).contains(where: { $0.id == message.id }) {
            // Restored without a sequence number: the next of its room, as the real stores do.
            if message.sequence <= 0 {
                message.sequence = takeSequence(inRoom: message.roomID)
            } else {
                raiseSequence(inRoom: message.roomID, to: message.sequence)
            }
            messagesByRoom[message.roomID, default: []].append(message)
            messagesByRoom[message.roomID]!.sort { ($0.sequence, $0.timestamp) < ($1.sequence, $1.timestamp) }
        }
    }

    public func deleteArchived(ids: [ObjectID]) async throws -> Int {
        ids.reduce(0) { count, id in count + (archived.removeValue(forKey: id) == nil ? 0 : 1) }
    }

    public func messageCounts(room: ObjectID?) async throws -> (live: Int, archived: Int) {
        let live = messagesByRoom.values.joined().count { room == nil || $0.roomID == room }
        return (live, archived.values.count { room == nil || $0.roomID == room })
    }

    public func agedMessages(in place: LocatedMessage.Place, olderThan cutoff: Date, room: ObjectID?) async throws -> [AgedMessages] {
        let messages: [Message] = switch place {
        case .live: Array(messagesByRoom.values.joined())
        case .archived: Array(archived.values)
        }
        var rooms: [ObjectID: AgedMessages] = [:]
        for message in messages where message.timestamp < cutoff && (room == nil || message.roomID == room) {
            let one = AgedMessages(roomID: message.roomID, id: message.id, timestamp: message.timestamp)
            rooms[message.roomID] = AgedMessages.sum(rooms[message.roomID], one)
        }
        return rooms.values.sorted { $0.roomID.hex < $1.roomID.hex }
    }

    // MARK: Leases

    public func acquireLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool {
        if let held = leases[name], held.expiresAt > Date() { return false }
        leases[name] = (token, expiresAt)
        return true
    }

    public func renewLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool {
        guard let held = leases[name], held.token == token, held.expiresAt > Date() else { return false }
        leases[name] = (token, expiresAt)
        return true
    }

    public func releaseLease(_ name: String, token: String) async throws {
        if leases[name]?.token == token { leases[name] = nil }
    }

    // MARK: Session ends

    public func recordSessionEnd(_ end: SessionEnd) async throws {
        let dayAgo = Date().addingTimeInterval(-86_400)
        sessionEndLog.removeAll { $0.at < dayAgo }
        sessionEndLog.append(end)
    }

    public func sessionEnds(since: Date) async throws -> [SessionEnd] {
        sessionEndLog.filter { $0.at >= since }.sorted { ($0.at, $0.id.hex) < ($1.at, $1.id.hex) }
    }

    // MARK: Pending events

    public func markEventsPending(_ events: [PendingEvent]) async throws {
        for event in events where pending[event.messageID] == nil { pending[event.messageID] = event }
    }

    public func clearPendingEvents(messageIDs: [ObjectID]) async throws {
        for id in messageIDs { pending[id] = nil }
    }

    public func pendingEvents(before: Date, limit: Int) async throws -> [PendingEvent] {
        Array(pending.values.filter { $0.since < before }.sorted { ($0.since, $0.messageID.hex) < ($1.since, $1.messageID.hex) }.prefix(limit))
    }

    /// An actor: each call runs alone, so a mark is claimed by one caller.
    public func claimPendingEvents(before: Date, now: Date, limit: Int) async throws -> [PendingEvent] {
        let claimed = try await pendingEvents(before: before, limit: limit).map { event in
            PendingEvent(messageID: event.messageID, roomID: event.roomID, since: now)
        }
        for event in claimed { pending[event.messageID] = event }
        return claimed
    }

    public func refreshPendingEvents(messageIDs: [ObjectID], now: Date) async throws {
        for id in messageIDs {
            if let event = pending[id] { pending[id] = PendingEvent(messageID: id, roomID: event.roomID, since: now) }
        }
    }
}
