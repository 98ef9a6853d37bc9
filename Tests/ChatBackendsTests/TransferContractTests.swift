import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// The store methods behind `chatctl rooms export|import`, `users export` (a sender's
/// messages paged by position) and `users erase` (notifications by sender), on every store.
@Suite("store contract: transfers of a room's messages")
struct TransferContractTests {
    typealias Kind = TestStores.Kind

    /// `lobby` with seven messages (three in one millisecond) of a writer and of a sender who
    /// is no user, the first three archived (the third still live too, half-way through archiving).
    static func seeded(_ store: any ChatStore) async throws -> (room: Room, writer: User, ghost: ObjectID, messages: [Message]) {
        let writer = User(username: "writer", email: "writer@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
        try await store.insertUser(writer)
        let room = Room(name: "lobby", members: [writer.id])
        try await store.insertRoom(room)
        let other = Room(name: "other")
        try await store.insertRoom(other)
        let ghost = ObjectID()
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let offsets: [Double] = [0, 1, 2, 3, 3, 3, 4]
        var messages: [Message] = []
        for (index, offset) in offsets.enumerated() {
            let sender = index == 1 ? ghost : writer.id
            messages.append(try await store.insertMessage(Message(
                roomID: room.id, roomName: room.name, senderID: sender, senderName: "", content: "m\(index)",
                timestamp: base.addingTimeInterval(offset))))
        }
        _ = try await store.insertMessage(Message(roomID: other.id, roomName: other.name, senderID: writer.id, senderName: "", content: "elsewhere", timestamp: base))
        try await store.copyToArchive(Array(messages.prefix(3)))
        _ = try await store.deleteMessages(ids: messages.prefix(2).map(\.id))
        messages.sort { MessagePosition($0) < MessagePosition($1) }
        return (room, writer, ghost, messages)
    }

    /// Every page of `query` in `place`, `limit` at a time.
    static func paged(_ store: any ChatStore, _ query: RoomMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [[Message]] {
        var pages: [[Message]] = []
        var query = query
        while true {
            let page = try await store.roomMessages(matching: query, in: place, limit: limit)
            guard let last = page.last else { return pages }
            pages.append(page)
            query.after = MessagePosition(last)
        }
    }

    @Test("a room's messages, live or archived: oldest first by time then id, paged after a position (ties in a millisecond across pages), a time range; room and sender names", arguments: TestStores.kinds)
    func roomMessages(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let (room, writer, ghost, messages) = try await Self.seeded(store)
        let live = try await store.roomMessages(matching: RoomMessageQuery(room: room.id), in: .live, limit: 100)
        #expect(live.map(\.id) == messages.dropFirst(2).map(\.id), "oldest first by time then id; only this room's")
        #expect(live.map(\.sequence) == messages.dropFirst(2).map(\.sequence) && live.map(\.timestamp) == messages.dropFirst(2).map(\.timestamp))
        #expect(live.allSatisfy { $0.roomName == "lobby" && $0.senderName == "writer" && $0.senderID == writer.id })
        let pages = try await Self.paged(store, RoomMessageQuery(room: room.id), in: .live, limit: 2)
        #expect(pages.map(\.count) == [2, 2, 1] && pages.flatMap { $0 }.map(\.id) == live.map(\.id), "no message skipped or read twice")

        let archived = try await store.roomMessages(matching: RoomMessageQuery(room: room.id), in: .archived, limit: 100)
        #expect(archived.map(\.id) == messages.prefix(3).map(\.id) && archived.map(\.content) == ["m0", "m1", "m2"])
        #expect(archived.map(\.roomName) == ["lobby", "lobby", "lobby"] && archived.map(\.senderName) == ["writer", "", "writer"], "a sender who is no user: no name")
        #expect(archived[1].senderID == ghost && archived.map(\.sequence) == messages.prefix(3).map(\.sequence))
        #expect(try await Self.paged(store, RoomMessageQuery(room: room.id), in: .archived, limit: 1).flatMap { $0 }.map(\.id) == archived.map(\.id))

        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let window = RoomMessageQuery(room: room.id, from: base.addingTimeInterval(2), to: base.addingTimeInterval(4))
        #expect(try await store.roomMessages(matching: window, in: .live, limit: 100).map(\.id) == messages[2..<6].map(\.id), "from inclusive, to exclusive")
        let afterTie = RoomMessageQuery(room: room.id, after: MessagePosition(messages[4]))
        #expect(try await store.roomMessages(matching: afterTie, in: .live, limit: 100).map(\.id) == messages[5...].map(\.id))
        #expect(try await store.roomMessages(matching: RoomMessageQuery(room: ObjectID()), in: .live, limit: 100).isEmpty)
    }

    @Test("one sender's messages paged after a position: each once, also across a millisecond's ties", arguments: TestStores.kinds)
    func senderPaging(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let (room, writer, _, messages) = try await Self.seeded(store)
        var query = SenderMessageQuery(sender: writer.id, room: room.id)
        var read: [Message] = []
        while true {
            let page = try await store.messages(matching: query, in: .live, limit: 2)
            guard let last = page.last else { break }
            read += page
            query.after = MessagePosition(last)
        }
        #expect(read.map(\.id) == messages.dropFirst(2).map(\.id))
        #expect(try await store.countMessages(matching: SenderMessageQuery(sender: writer.id, after: MessagePosition(messages[4])), in: .live) == 2)
    }

    @Test("import: a message already stored (live or archived, or twice in the batch) is skipped; free numbers kept, taken or missing ones the room's next; later posts after every kept number; redaction kept", arguments: TestStores.kinds)
    func importMessages(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let (room, writer, _, messages) = try await Self.seeded(store)
        let highest = messages.map(\.sequence).max() ?? 0
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        func incoming(_ sequence: Int64, _ content: String, redaction: Redaction? = nil) -> Message {
            Message(roomID: room.id, roomName: room.name, senderID: writer.id, senderName: "", content: content, timestamp: base, sequence: sequence, redaction: redaction)
        }
        let redaction = Redaction(at: Date(timeIntervalSince1970: 1_700_000_100), by: "root@ops1", reason: "redacted before export")
        let kept = incoming(highest + 10, "kept")
        let takenLive = incoming(messages[3].sequence, "taken live")
        let takenArchived = incoming(messages[0].sequence, "taken archived")
        let unnumbered = incoming(0, "", redaction: redaction)
        let batch = [messages[0], messages[4], kept, takenLive, takenArchived, unnumbered, kept]
        #expect(try await store.importMessages(batch) == 4, "the archived and the live one skipped, the repeat once")
        #expect(try await store.importMessages(batch) == 0, "a rerun adds nothing")
        #expect(try await store.importMessages([]) == 0)

        func stored(_ message: Message) async throws -> Message {
            try #require(try await store.locateMessage(id: message.id)?.message)
        }
        let keptCopy = try await stored(kept)
        #expect(keptCopy.sequence == highest + 10 && keptCopy.timestamp == base && keptCopy.content == "kept" && keptCopy.senderID == writer.id)
        let renumbered = [try await stored(takenLive).sequence, try await stored(takenArchived).sequence, try await stored(unnumbered).sequence]
        #expect(Set(renumbered) == [highest + 11, highest + 12, highest + 13], "after the kept number: \(renumbered)")
        let redacted = try await stored(unnumbered)
        #expect(redacted.redaction == redaction && redacted.content.isEmpty)
        #expect(try await store.locateMessage(id: messages[0].id)?.place == .archived, "the archived one stays where it is")

        let next = try await store.insertMessage(Message(roomID: room.id, roomName: room.name, senderID: writer.id, senderName: "", content: "after"))
        #expect(next.sequence == highest + 14)
        let counts = try await store.messageCounts(room: room.id)
        #expect(counts.live == 5 + 4 + 1 && counts.archived == 3)
    }

    @Test("notifications by sender: every one of its messages emptied, in every inbox, once; others untouched", arguments: TestStores.kinds)
    func notificationsBySender(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let sender = ObjectID(), other = ObjectID(), room = ObjectID()
        let receivers = [ObjectID(), ObjectID()]
        var notes: [ChatNotification] = []
        for (index, receiver) in receivers.enumerated() {
            notes.append(ChatNotification(content: "from sender \(index)", senderID: sender, roomID: room, receiverID: receiver, timestamp: Date(timeIntervalSince1970: Double(index + 1))))
            notes.append(ChatNotification(content: "from other \(index)", senderID: other, roomID: room, receiverID: receiver, timestamp: Date(timeIntervalSince1970: Double(index + 10))))
        }
        try await store.insertNotifications(notes)
        #expect(try await store.redactNotifications(sentBy: sender) == 2)
        #expect(try await store.redactNotifications(sentBy: sender) == 0)
        for (index, receiver) in receivers.enumerated() {
            #expect(try await store.notifications(for: receiver, query: NotificationQuery()).map(\.content) == ["from other \(index)", ""])
        }
    }
}
