import ChatCore
import ChatInProcess
import Foundation

/// A store holding a record of every kind `chatctl db copy` carries, with the values a
/// copy must keep (a disable, a ban with an end and a reason, rules and moderators,
/// members in a given order, a mute, client ids, a redaction in both collections,
/// archived messages, read and unread notifications, audit records of both outcomes, a
/// moderation notice, an open and a resolved report, rooms with their own archive age and
/// retention).
public struct StoreCopyFixture: Sendable {
    /// The password of every user (`passwordHash` is its bcrypt hash).
    public static let password = "correct horse"

    public var users: [User]
    /// `lobby` (ann, ben; the default rules), `side` (ben, ann, cat; read-only, slow mode,
    /// ann moderates, a topic, archived messages kept forever) and `quiet` (cat; archived
    /// after a week, kept 90 days; no messages).
    public var rooms: [Room]
    /// The live messages as stored (with `seq`), oldest first.
    public var live: [Message]
    /// The archived ones (the first four posted).
    public var archived: [Message]
    /// As stored: cat's open report of the latest message, then ben's of an archived one,
    /// resolved (a mute, with a note).
    public var reports: [Report]
    public var passwordHash: String

    /// Seeds `store` (which should be empty). `messagesPerRoom` messages are posted in each
    /// room, in batches of `batch` (one group commit each).
    public static func seed(_ store: any ChatStore, messagesPerRoom: Int = 10, batch: Int = 50) async throws -> StoreCopyFixture {
        let hash = try await BcryptPasswordHasher(cost: 4).hash(password)
        // An hour ago: recent enough for a copied client id to be claimed, old enough to be past.
        let base = Date(millisecondsSince1970: Date().millisecondsSince1970 - 3_600_000)
        let ann = User(username: "ann", email: "ann@example.com", passwordHash: hash, createdAt: base)
        let ben = User(username: "ben", email: "ben@example.com", passwordHash: hash, createdAt: base.addingTimeInterval(1))
        let cat = User(username: "cat", email: "cat@example.com", passwordHash: hash, createdAt: base.addingTimeInterval(2))
        for user in [ann, ben, cat] { try await store.insertUser(user) }
        _ = try await store.setDisabled(true, forUser: cat.id)
        _ = try await store.setBan(
            Ban(at: base.addingTimeInterval(3), until: base.addingTimeInterval(86_400), reason: "spam", by: "root@ops1"), forUser: ben.id)

        let lobby = Room(name: "lobby", members: [ann.id, ben.id], createdAt: base)
        let side = Room(
            name: "side", members: [ben.id, ann.id, cat.id], createdAt: base.addingTimeInterval(1),
            rules: RoomRules(readOnly: true, slowModeSeconds: 30, moderators: [ann.id], topic: "weekly news", retention: .forever))
        let quiet = Room(
            name: "quiet", members: [cat.id], createdAt: base.addingTimeInterval(2),
            rules: RoomRules(archiveAfterSeconds: 7 * 86_400, retention: .seconds(90 * 86_400)))
        for room in [lobby, side, quiet] { try await store.insertRoom(room) }
        try await store.muteUser(RoomMute(roomID: lobby.id, userID: ben.id, reason: "flood", by: "root@ops1", at: base.addingTimeInterval(4)))

        var posts: [Message] = []
        for index in 0..<(2 * messagesPerRoom) {
            let room = index % 2 == 0 ? lobby : side
            let sender = index % 3 == 0 ? ben : ann
            posts.append(Message(
                roomID: room.id, roomName: room.name, senderID: sender.id, senderName: sender.username, content: "message \(index) in \(room.name)",
                timestamp: base.addingTimeInterval(10 + Double(index)), clientID: index % 4 == 1 ? "client-\(index)" : nil))
        }
        var stored: [Message] = []
        for start in stride(from: 0, to: posts.count, by: batch) {
            stored += try await store.insertMessages(Array(posts[start..<min(start + batch, posts.count)]))
        }
        let archivedCount = min(4, stored.count)
        try await store.copyToArchive(Array(stored.prefix(archivedCount)))
        _ = try await store.deleteMessages(ids: stored.prefix(archivedCount).map(\.id))
        // One redaction in each collection.
        let redacted = [stored[0].id, stored[min(archivedCount, stored.count - 1)].id]
        _ = try await store.redactMessages(ids: redacted, redaction: Redaction(at: base.addingTimeInterval(100), by: "root@ops1", reason: "rude"))

        let notifications = stored.prefix(6).enumerated().map { index, message in
            ChatNotification(
                content: message.content, senderID: message.senderID, roomID: message.roomID, receiverID: message.senderID == ann.id ? ben.id : ann.id,
                seen: index % 2 == 0, timestamp: message.timestamp)
        }
        try await store.insertNotifications(notifications)
        try await store.recordAudit(AuditRecord(
            at: base.addingTimeInterval(3), actor: AuditActor(user: "root", host: "ops1"), command: "users ban", target: "ben",
            arguments: ["reason": "spam", "until": "1d"], outcome: .ok))
        try await store.recordAudit(AuditRecord(
            at: base.addingTimeInterval(5), actor: AuditActor(user: "root", host: "ops1"), command: "rooms delete", target: "nope",
            outcome: .failed("room 'nope' does not exist")))
        try await store.recordModerationNotice(
            ModerationNotice(kind: .redacted, roomID: lobby.id, roomName: "lobby", messageIDs: redacted, at: base.addingTimeInterval(100)))

        // One open report, one resolved (of a message archived since).
        let latest = stored[stored.count - 1], early = stored[1]
        let openReport = Report(
            messageID: latest.id, roomID: latest.roomID, senderID: latest.senderID, reporterID: cat.id, reason: "off topic",
            createdAt: base.addingTimeInterval(150))
        let resolvedReport = Report(
            messageID: early.id, roomID: early.roomID, senderID: early.senderID, reporterID: ben.id, reason: "rude", createdAt: base.addingTimeInterval(50))
        for report in [openReport, resolvedReport] { try await store.insertReport(report) }
        _ = try await store.resolveReport(
            id: resolvedReport.id, resolution: Report.Resolution(action: .mute, by: "root@ops1", at: base.addingTimeInterval(200), note: "cooling off"))
        var reports: [Report] = []
        for report in [openReport, resolvedReport] {
            guard let found = try await store.report(id: report.id) else { throw ChatError.reportNotFound }
            reports.append(found)
        }

        let live = try await store.recentMessages(inRoom: lobby.id, limit: 10_000) + store.recentMessages(inRoom: side.id, limit: 10_000)
        let archived = try await store.archivedMessages(room: nil, from: nil, to: nil, limit: 10_000)
        return StoreCopyFixture(
            users: [ann, ben, cat], rooms: [lobby, side, quiet], live: live.sorted { $0.timestamp < $1.timestamp }, archived: archived,
            reports: reports, passwordHash: hash)
    }

    /// The highest `seq` of a room's messages, live or archived.
    public func lastSequence(of room: Room) -> Int64 {
        (live + archived).filter { $0.roomID == room.id }.map(\.sequence).max() ?? 0
    }
}
