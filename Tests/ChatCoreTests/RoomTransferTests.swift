import ChatInProcess
import ChatCore
import Foundation
import Logging
import Testing

@Suite("exporting and importing a room's messages")
struct RoomTransferTests {
    struct Source {
        var store: MemoryChatStore
        var room: Room
        var alice: User
        var bob: User
        /// Every message of the room, oldest first by time then id.
        var messages: [Message]
        var base: Date
    }

    /// `lobby` with ten messages of alice and bob (three in one millisecond, one redacted,
    /// one with a comma, quotes and a line break), the oldest four archived (the fourth
    /// still in the history too, as half-way through archiving); bob is deleted since.
    static func source() async throws -> Source {
        let store = MemoryChatStore()
        let alice = User(username: "alice", email: "alice@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
        let bob = User(username: "bob", email: "bob@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
        for user in [alice, bob] { try await store.insertUser(user) }
        let room = Room(name: "lobby", members: [alice.id, bob.id])
        try await store.insertRoom(room)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let offsets: [Double] = [0, 1, 2, 3, 4, 4, 4, 5, 6, 7]
        var messages: [Message] = []
        for (index, offset) in offsets.enumerated() {
            let sender = index % 3 == 0 ? bob : alice
            let content = index == 5 ? "one, \"two\"\nthree" : "m\(index)"
            messages.append(try await store.insertMessage(Message(
                roomID: room.id, roomName: room.name, senderID: sender.id, senderName: sender.username, content: content,
                timestamp: base.addingTimeInterval(offset))))
        }
        _ = try await store.redactMessages(ids: [messages[8].id], redaction: Redaction(by: "root@ops1", reason: "abuse"))
        try await store.copyToArchive(Array(messages.prefix(4)))
        _ = try await store.deleteMessages(ids: messages.prefix(3).map(\.id))
        _ = try await store.deleteUser(id: bob.id)
        messages.sort { MessagePosition($0) < MessagePosition($1) }
        return Source(store: store, room: room, alice: alice, bob: bob, messages: messages, base: base)
    }

    /// What `ExportRoom` handed out, in order.
    final class Collected {
        var lines: [RoomExportLine] = []
    }

    static func export(_ store: any ChatStore, _ options: ExportRoom.Options) async throws -> ([RoomExportLine], ExportRoom.Report) {
        let collected = Collected()
        let report = try await ExportRoom(store: store)(options, line: { collected.lines.append($0) })
        return (collected.lines, report)
    }

    /// The lines as JSON Lines text, one string per line.
    static func jsonLines(_ lines: [RoomExportLine]) throws -> [String] {
        let encoder = RoomExportEncoder(format: .jsonl)
        return try lines.map { String(decoding: try encoder.encode($0).dropLast(), as: UTF8.self) }
    }

    static func stream(_ lines: [String]) -> AsyncStream<String> {
        AsyncStream { continuation in
            for line in lines { continuation.yield(line) }
            continuation.finish()
        }
    }

    @Test("oldest first by time then id, paged (ties across pages), the archive merged in when asked (a message in both once), a time range; sender names, redaction")
    func exportOrder() async throws {
        let s = try await Self.source()
        let (all, report) = try await Self.export(s.store, ExportRoom.Options(room: s.room.id, includeArchived: true, pageSize: 2))
        #expect(all.map(\.id) == s.messages.map(\.id), "every message once, oldest first")
        #expect(report.exported == 10 && report.live == 7 && report.archived == 3)
        #expect(all.map(\.seq) == s.messages.map { Optional($0.sequence) } && all.map(\.timestamp) == s.messages.map(\.timestamp))
        #expect(all.allSatisfy { $0.room == "lobby" })
        #expect(all.map(\.sender) == s.messages.map { $0.senderID == s.alice.id ? "alice" : "" }, "a deleted sender has no name")
        let redacted = try #require(all.first { $0.id == s.messages[8].id })
        #expect(redacted.redacted && redacted.content.isEmpty)
        #expect(all.filter(\.redacted).count == 1)

        let (live, liveReport) = try await Self.export(s.store, ExportRoom.Options(room: s.room.id, pageSize: 3))
        #expect(live.map(\.id) == s.messages.dropFirst(3).map(\.id) && liveReport.archived == 0)
        let (window, _) = try await Self.export(
            s.store, ExportRoom.Options(room: s.room.id, from: s.base.addingTimeInterval(2), to: s.base.addingTimeInterval(5), includeArchived: true, pageSize: 1))
        #expect(window.map(\.id) == s.messages[2..<7].map(\.id), "from inclusive, to exclusive")
        await #expect(throws: ChatError.invalid("to", "to must be later than from")) {
            _ = try await Self.export(s.store, ExportRoom.Options(room: s.room.id, from: s.base, to: s.base))
        }
    }

    @Test("export, then import into another store: same ids, seq, times, content and redaction; an unknown sender is an error naming its line unless allowed; a rerun adds nothing")
    func roundTrip() async throws {
        let s = try await Self.source()
        let (lines, _) = try await Self.export(s.store, ExportRoom.Options(room: s.room.id, includeArchived: true))
        let text = try Self.jsonLines(lines)

        let target = MemoryChatStore()
        try await target.insertUser(s.alice)
        let room = Room(name: "restored")
        try await target.insertRoom(room)
        let importer = ImportRoom(store: target, cache: NoRecentCache(), logger: .init(label: "import-test"))
        let firstBob = try #require(lines.firstIndex { $0.senderID == s.bob.id })
        await #expect(throws: ChatError.invalid("sender_id", "line \(firstBob + 1): sender \(s.bob.id) is not a user here (allow unknown senders to import its messages as they are)")) {
            _ = try await importer(Self.stream(text), options: .init(room: room, batchSize: 100), by: "root@ops1")
        }
        #expect(try await target.messageCounts(room: room.id).live == 0, "nothing of the batch with the bad line was stored")

        let report = try await importer(Self.stream(text + [""]), options: .init(room: room, allowUnknownSenders: true, batchSize: 3), by: "root@ops1")
        #expect(report.read == 10 && report.added == 10 && report.alreadyPresent == 0 && report.batches == 4)
        #expect(report.unknownSenders == lines.filter { $0.senderID == s.bob.id }.count)
        let (copied, _) = try await Self.export(target, ExportRoom.Options(room: room.id))
        #expect(copied.map(\.id) == lines.map(\.id) && copied.map(\.seq) == lines.map(\.seq) && copied.map(\.timestamp) == lines.map(\.timestamp))
        #expect(copied.map(\.content) == lines.map(\.content) && copied.map(\.redacted) == lines.map(\.redacted) && copied.map(\.senderID) == lines.map(\.senderID))
        #expect(copied.allSatisfy { $0.room == "restored" })
        let redacted = try #require(try await target.locateMessage(id: s.messages[8].id)?.message.redaction)
        #expect(redacted.by == "root@ops1" && redacted.reason == ImportRoom.redactionReason)

        let again = try await importer(Self.stream(text), options: .init(room: room, allowUnknownSenders: true), by: "root@ops1")
        #expect(again.read == 10 && again.added == 0 && again.alreadyPresent == 10)
        #expect(try await target.messageCounts(room: room.id).live == 10)

        // A post after the import is numbered after every number kept.
        let next = try await target.insertMessage(Message(roomID: room.id, roomName: room.name, senderID: s.alice.id, senderName: "alice", content: "after"))
        #expect(next.sequence == (lines.compactMap(\.seq).max() ?? 0) + 1)
    }

    @Test("a system message (chatctl post --system) is exported with the sender `system` and imported without allowing unknown senders")
    func systemMessage() async throws {
        let store = MemoryChatStore()
        let room = Room(name: "lobby")
        try await store.insertRoom(room)
        let notice = try await store.insertMessage(Message(
            roomID: room.id, roomName: room.name, senderID: Message.systemSenderID, senderName: "", content: "maintenance at 22:00"))
        let (lines, _) = try await Self.export(store, ExportRoom.Options(room: room.id))
        #expect(lines.map(\.sender) == ["system"] && lines.map(\.senderID) == [Message.systemSenderID])

        let target = MemoryChatStore()
        let restored = Room(name: "restored")
        try await target.insertRoom(restored)
        let importer = ImportRoom(store: target, cache: NoRecentCache(), logger: .init(label: "import-test"))
        let report = try await importer(Self.stream(try Self.jsonLines(lines)), options: .init(room: restored), by: "root@ops1")
        #expect(report.added == 1 && report.unknownSenders == 0)
        let copied = try #require(try await target.locateMessage(id: notice.id)?.message)
        #expect(copied.isSystem && copied.content == "maintenance at 22:00")
    }

    @Test("a line that does not parse stops the import naming its number, the batches before it stored; the fixed file's rerun adds the rest")
    func badLine() async throws {
        let s = try await Self.source()
        let (lines, _) = try await Self.export(s.store, ExportRoom.Options(room: s.room.id, includeArchived: true))
        var text = try Self.jsonLines(lines)
        let target = MemoryChatStore()
        let room = Room(name: "lobby")
        try await target.insertRoom(room)
        let importer = ImportRoom(store: target, cache: NoRecentCache(), logger: .init(label: "import-test"))
        let options = ImportRoom.Options(room: room, allowUnknownSenders: true, batchSize: 4)
        let good = text[5]
        text[5] = "{\"id\": \"nope\"}"
        await #expect(throws: ChatError.invalid("line", "line 6: id: not a 24-character hex ObjectId")) {
            _ = try await importer(Self.stream(text), options: options, by: "root@ops1")
        }
        #expect(try await target.messageCounts(room: room.id).live == 4, "the first batch stays")
        text[5] = "not json"
        await #expect(throws: ChatError.invalid("line", "line 6: not valid JSON")) {
            _ = try await importer(Self.stream(text), options: options, by: "root@ops1")
        }
        text[5] = String(good.replacingOccurrences(of: "\"timestamp\"", with: "\"time\""))
        await #expect(throws: ChatError.invalid("line", "line 6: timestamp is missing")) {
            _ = try await importer(Self.stream(text), options: options, by: "root@ops1")
        }
        text[5] = good
        let rest = try await importer(Self.stream(text), options: options, by: "root@ops1")
        #expect(rest.read == 10 && rest.added == 6 && rest.alreadyPresent == 4)
    }

    @Test("into a room with its own history: numbers it has taken go to the next free ones, the others are kept")
    func sequenceCollision() async throws {
        let store = MemoryChatStore()
        let room = Room(name: "lobby")
        try await store.insertRoom(room)
        let sender = ObjectID()
        let own = try await store.insertMessages((0..<2).map { Message(roomID: room.id, roomName: room.name, senderID: sender, senderName: "", content: "own \($0)") })
        #expect(own.map(\.sequence) == [1, 2])
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        let incoming = (1...4).map { number in
            RoomExportLine(id: ObjectID(), seq: Int64(number), room: "elsewhere", senderID: sender, sender: "", content: "in \(number)", timestamp: base.addingTimeInterval(Double(number)), redacted: false)
        } + [RoomExportLine(id: ObjectID(), seq: nil, room: "elsewhere", senderID: sender, sender: "", content: "go", timestamp: base, redacted: false)]
        let report = try await ImportRoom(store: store, cache: NoRecentCache(), logger: .init(label: "import-test"))(
            Self.stream(try Self.jsonLines(incoming)), options: .init(room: room, allowUnknownSenders: true), by: "root@ops1")
        #expect(report.added == 5)
        var numbers: [String: Int64] = [:]
        for line in incoming { numbers[line.content] = try await store.locateMessage(id: line.id)?.message.sequence }
        #expect(numbers["in 3"] == 3 && numbers["in 4"] == 4, "free numbers kept")
        #expect(numbers["in 1"] == 5 && numbers["in 2"] == 6 && numbers["go"] == 7, "taken or missing: the next ones")
    }

    @Test("CSV: a header row, RFC 4180 quoting, CRLF; JSON Lines: one object per line, seq left out when there is none")
    func formats() throws {
        let line = RoomExportLine(
            id: try #require(ObjectID(hex: "65f000000000000000000001")), seq: nil, room: "lobby",
            senderID: try #require(ObjectID(hex: "65f000000000000000000002")), sender: "al,ice", content: "one, \"two\"\nthree",
            timestamp: Date(timeIntervalSince1970: 1_800_000_000.5), redacted: false)
        #expect(String(decoding: RoomExportFormat.csv.header, as: UTF8.self) == "id,seq,room,sender_id,sender,content,timestamp,redacted\r\n")
        let csv = String(decoding: try RoomExportEncoder(format: .csv).encode(line), as: UTF8.self)
        #expect(csv == "65f000000000000000000001,,lobby,65f000000000000000000002,\"al,ice\",\"one, \"\"two\"\"\nthree\",2027-01-15T08:00:00.500Z,false\r\n")
        let json = String(decoding: try RoomExportEncoder(format: .jsonl).encode(line), as: UTF8.self)
        #expect(json.hasSuffix("}\n") && json.filter { $0 == "\n" }.count == 1 && !json.contains("\"seq\""))
        #expect(try RoomExportLine.decode(String(json.dropLast()), line: 1) == line)
        #expect(RoomExportFormat.csv.header.isEmpty == false && RoomExportFormat.jsonl.header.isEmpty)
    }
}
