import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// The store methods behind `chatctl messages …`, the moderation-notice log every chat
/// node reads and the audit trail, on every store.
@Suite("store contract: moderation and the audit trail")
struct ModerationContractTests {
    typealias Kind = TestStores.Kind

    /// A room with a sender (by name) and three messages, the second of them archived too.
    static func seeded(_ store: any ChatStore) async throws -> (room: Room, sender: User, messages: [Message]) {
        let sender = User(username: "writer", email: "writer@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
        try await store.insertUser(sender)
        let room = Room(name: "lobby", members: [sender.id])
        try await store.insertRoom(room)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        var messages: [Message] = []
        for index in 0..<3 {
            messages.append(try await store.insertMessage(Message(
                roomID: room.id, roomName: room.name, senderID: sender.id, senderName: sender.username, content: "m\(index)",
                timestamp: base.addingTimeInterval(Double(index)))))
        }
        return (room, sender, messages)
    }

    @Test("locate: a live message with its names, else an archived one, else nothing", arguments: TestStores.kinds)
    func locate(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let (room, _, messages) = try await Self.seeded(store)
        let live = try #require(try await store.locateMessage(id: messages[0].id))
        #expect(live.place == .live && live.message == messages[0])
        try await store.copyToArchive([messages[1]])
        #expect(try await store.locateMessage(id: messages[1].id)?.place == .live, "half-way through archiving: still in the history")
        _ = try await store.deleteMessages(ids: [messages[1].id])
        let archived = try #require(try await store.locateMessage(id: messages[1].id))
        #expect(archived.place == .archived && archived.message.content == "m1" && archived.message.roomName == room.name)
        #expect(archived.message.sequence == messages[1].sequence && archived.message.timestamp == messages[1].timestamp)
        #expect(try await store.locateMessage(id: ObjectID()) == nil)
    }

    @Test("redact: content emptied and the redaction kept in the history, resume and the archive; a second redaction changes nothing", arguments: TestStores.kinds)
    func redact(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let (room, _, messages) = try await Self.seeded(store)
        try await store.copyToArchive([messages[1]])  // in both, as half-way through archiving
        let redaction = Redaction(at: Date(timeIntervalSince1970: 1_800_000_100.123), by: "root@ops1", reason: "spam")
        #expect(try await store.redactMessages(ids: [messages[1].id], redaction: redaction) == 2, "the live and the archived copy")
        #expect(try await store.redactMessages(ids: [messages[1].id], redaction: Redaction(by: "again@ops2")) == 0)

        let recent = try await store.recentMessages(inRoom: room.id, limit: 10)
        #expect(recent.map(\.content) == ["m2", "", "m0"])
        #expect(recent[1].redaction == redaction && recent[1].id == messages[1].id && recent[1].sequence == messages[1].sequence)
        #expect(recent[1].timestamp == messages[1].timestamp && recent[1].senderName == "writer")
        #expect(recent[0].redaction == nil && recent[2].redaction == nil)
        #expect(try await store.message(id: messages[1].id, inRoom: room.id)?.redaction == redaction)
        #expect(try await store.messages(inRoom: room.id, after: messages[0], limit: 10).map(\.isRedacted) == [true, false])
        let archived = try await store.archivedMessages(room: room.id, from: nil, to: nil, limit: 10)
        #expect(archived.map(\.content) == [""] && archived.first?.redaction == redaction)

        // Archiving a redacted message carries its redaction into the archive.
        _ = try await store.redactMessages(ids: [messages[2].id], redaction: redaction)
        let read = try #require(try await store.oldMessages(olderThan: .distantFuture, room: room.id, limit: 10).first { $0.id == messages[2].id })
        #expect(read.redaction == redaction && read.content.isEmpty)
        try await store.copyToArchive([read])
        let moved = try await store.archivedMessages(room: room.id, from: nil, to: nil, limit: 10).first { $0.id == messages[2].id }
        #expect(moved?.redaction == redaction && moved?.content == "")
    }

    @Test("notifications by id: emptied (once) or deleted; others untouched", arguments: TestStores.kinds)
    func notifications(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let receiver = ObjectID(), room = ObjectID(), sender = ObjectID()
        let notes = (1...3).map {
            ChatNotification(content: "n\($0)", senderID: sender, roomID: room, receiverID: receiver, timestamp: Date(timeIntervalSince1970: Double($0)))
        }
        try await store.insertNotifications(notes)
        #expect(try await store.redactNotifications(ids: [notes[0].id, ObjectID()]) == 1)
        #expect(try await store.redactNotifications(ids: [notes[0].id]) == 0)
        #expect(try await store.deleteNotifications(ids: [notes[1].id]) == 1)
        #expect(try await store.deleteNotifications(ids: [notes[1].id]) == 0)
        #expect(try await store.redactNotifications(ids: []) == 0)
        #expect(try await store.deleteNotifications(ids: []) == 0)
        #expect(try await store.notifications(for: receiver, query: NotificationQuery()).map(\.content) == ["n3", ""])
    }

    @Test("one sender's messages, live or archived: oldest first across rooms, limited, with room names; by room, time range and redaction; counted alike", arguments: TestStores.kinds)
    func bySender(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let (room, sender, messages) = try await Self.seeded(store)
        let side = Room(name: "side", members: [sender.id])
        try await store.insertRoom(side)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let elsewhere = try await store.insertMessage(Message(
            roomID: side.id, roomName: side.name, senderID: sender.id, senderName: sender.username, content: "s0", timestamp: base.addingTimeInterval(1.5)))
        let someone = ObjectID()
        _ = try await store.insertMessage(Message(
            roomID: room.id, roomName: room.name, senderID: someone, senderName: "", content: "not theirs", timestamp: base.addingTimeInterval(0.5)))
        try await store.copyToArchive([messages[0]])
        _ = try await store.deleteMessages(ids: [messages[0].id])

        let all = SenderMessageQuery(sender: sender.id)
        let live = try await store.messages(matching: all, in: .live, limit: 10)
        #expect(live.map(\.content) == ["m1", "s0", "m2"], "oldest first, across rooms")
        #expect(live.map(\.roomName) == ["lobby", "side", "lobby"])
        #expect(live.first?.sequence == messages[1].sequence && live.first?.timestamp == messages[1].timestamp && live.first?.id == messages[1].id)
        #expect(try await store.messages(matching: all, in: .live, limit: 2).map(\.content) == ["m1", "s0"])
        let archived = try await store.messages(matching: all, in: .archived, limit: 10)
        #expect(archived.map(\.content) == ["m0"] && archived.first?.roomName == "lobby")
        #expect(try await store.countMessages(matching: all, in: .live) == 3)
        #expect(try await store.countMessages(matching: all, in: .archived) == 1)

        let inSide = SenderMessageQuery(sender: sender.id, room: side.id)
        #expect(try await store.messages(matching: inSide, in: .live, limit: 10).map(\.id) == [elsewhere.id])
        #expect(try await store.countMessages(matching: inSide, in: .archived) == 0)
        let range = SenderMessageQuery(sender: sender.id, from: base.addingTimeInterval(1), to: base.addingTimeInterval(2))
        #expect(try await store.messages(matching: range, in: .live, limit: 10).map(\.content) == ["m1", "s0"], "from inclusive, to exclusive")
        #expect(try await store.countMessages(matching: range, in: .live) == 2)
        #expect(try await store.countMessages(matching: SenderMessageQuery(sender: sender.id, to: base.addingTimeInterval(1)), in: .archived) == 1)

        _ = try await store.redactMessages(ids: [messages[0].id, messages[1].id], redaction: Redaction(by: "root@ops1"))
        let unredacted = SenderMessageQuery(sender: sender.id, unredactedOnly: true)
        #expect(try await store.messages(matching: unredacted, in: .live, limit: 10).map(\.content) == ["s0", "m2"])
        #expect(try await store.countMessages(matching: unredacted, in: .live) == 2)
        #expect(try await store.countMessages(matching: unredacted, in: .archived) == 0)
        #expect(try await store.countMessages(matching: all, in: .live) == 3, "a delete still finds the redacted ones")
        #expect(try await store.messages(matching: SenderMessageQuery(sender: someone), in: .live, limit: 10).map(\.content) == ["not theirs"])
        #expect(try await store.messages(matching: SenderMessageQuery(sender: ObjectID()), in: .archived, limit: 10).isEmpty)
    }

    @Test("moderation notices: read back since a time, oldest first, with every message id; a day-old one is forgotten", arguments: TestStores.kinds)
    func notices(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let room = ObjectID()
        let now = ModerationNotice(kind: .redacted, roomID: room, roomName: "lobby", messageIDs: [ObjectID()])
        let old = ModerationNotice(kind: .deleted, roomID: room, roomName: "lobby", messageIDs: [ObjectID()], at: now.at.addingTimeInterval(-90_000))
        let earlier = ModerationNotice(kind: .deleted, roomID: room, roomName: "lobby", messageIDs: [ObjectID(), ObjectID()], at: now.at.addingTimeInterval(-600))
        try await store.recordModerationNotice(old)
        try await store.recordModerationNotice(now)
        try await store.recordModerationNotice(earlier)
        #expect(try await store.moderationNotices(since: earlier.at) == [earlier, now])
        #expect(try await store.moderationNotices(since: earlier.at.addingTimeInterval(0.001)) == [now])
        #expect(try await store.moderationNotices(since: now.at.addingTimeInterval(-200_000)) == [earlier, now])
    }

    @Test("audit trail: records read back newest first with arguments and outcome; by actor user or user@host, since, limit", arguments: TestStores.kinds)
    func auditLog(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let alice = AuditActor(user: "alice", host: "ops1"), bob = AuditActor(user: "bob", host: "ops2")
        let first = AuditRecord(at: base, actor: alice, command: "users disable", target: "mallory", outcome: .ok)
        let second = AuditRecord(
            at: base.addingTimeInterval(1), actor: bob, command: "messages delete", target: "65a000000000000000000000",
            arguments: ["reason": "spam wave", "archive_messages": "false"], outcome: .failed("message does not exist"))
        let third = AuditRecord(at: base.addingTimeInterval(2), actor: alice, command: "archive run", target: nil, arguments: ["older_than": "30d"], outcome: .ok)
        for record in [first, second, third] { try await store.recordAudit(record) }
        #expect(try await store.auditRecords(AuditQuery()) == [third, second, first])
        #expect(try await store.auditRecords(AuditQuery(actor: "alice")) == [third, first])
        #expect(try await store.auditRecords(AuditQuery(actor: "bob@ops2")) == [second])
        #expect(try await store.auditRecords(AuditQuery(actor: "bob@ops1")).isEmpty)
        #expect(try await store.auditRecords(AuditQuery(since: base.addingTimeInterval(1))) == [third, second])
        #expect(try await store.auditRecords(AuditQuery(limit: 1)) == [third])
    }
}
