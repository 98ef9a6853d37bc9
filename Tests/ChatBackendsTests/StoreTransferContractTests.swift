import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// `chatctl db copy`'s port (`StoreTransfer`) on every store, and a round trip SQLite →
/// MongoDB → SQLite.
@Suite("store contract: db copy (paged reads and upserts by key)")
struct StoreTransferContractTests {
    typealias Kind = TestStores.Kind

    static func transfer(_ store: any ChatStore) throws -> any StoreTransfer {
        try #require(store as? any StoreTransfer, "\(store.displayName) is no StoreTransfer")
    }

    /// Both stores agree on every collection.
    static func expectSame(_ source: any StoreTransfer, _ target: any StoreTransfer, _ what: String) async throws {
        let differing = try await VerifyStoreCopy(source: source, target: target)(batchSize: 3).filter { !$0.matches }.map(\.collection)
        #expect(differing.isEmpty, "\(what): \(differing)")
    }

    @Test("a memory store's every record goes in and reads back as it was (pages in key order, reads by key, the store's own reads: rooms with their archive age and retention, reports with their resolution); a second copy writes nothing; posts continue the seq; a resent client id is the copied message", arguments: TestStores.kinds)
    func copiesIn(kind: Kind) async throws {
        let source = MemoryChatStore()
        let fixture = try await StoreCopyFixture.seed(source)
        let store = try await TestStores.make(kind)
        let target = try Self.transfer(store)
        let report = try await CopyStore(from: source, to: target)(.init(batchSize: 4))
        #expect(report.unchanged == 0)
        try await Self.expectSame(source, target, "after the copy")
        for collection in StoreCollection.allCases {
            #expect(try await target.recordCount(of: collection) == source.recordCount(of: collection), "\(collection)")
        }

        let messages = try await target.records(of: .messages, after: nil, limit: 100)
        #expect(messages.count == fixture.live.count && messages.keys == messages.keys.sorted())
        let some = Array(messages.keys.prefix(3))
        #expect(Set(try await target.records(of: .messages, keys: some + [ObjectID().hex]).keys) == Set(some))
        let second = try await target.records(of: .messages, after: messages.keys[1], limit: 2)
        #expect(second.keys == Array(messages.keys[2..<4]))
        let mutes = try await target.records(of: .roomMutes, keys: [RecordBatch.key(of: RoomMute(roomID: fixture.rooms[0].id, userID: fixture.users[1].id, by: ""))])
        #expect(mutes.count == 1)

        for user in fixture.users { #expect(try await store.user(id: user.id) == source.user(id: user.id)) }
        for room in fixture.rooms {
            #expect(try await store.room(id: room.id) == source.room(id: room.id))
            #expect(try await store.recentMessages(inRoom: room.id, limit: 100) == source.recentMessages(inRoom: room.id, limit: 100))
            #expect(try await store.mutes(inRoom: room.id, at: Date()) == source.mutes(inRoom: room.id, at: Date()))
        }
        #expect(try await store.archivedMessages(room: nil, from: nil, to: nil, limit: 100).map(\.id) == fixture.archived.map(\.id))
        #expect(try await store.auditRecords(AuditQuery()) == source.auditRecords(AuditQuery()))
        let epoch = Date(timeIntervalSince1970: 0)
        #expect(try await store.moderationNotices(since: epoch) == source.moderationNotices(since: epoch))
        for user in fixture.users {
            #expect(try await store.notifications(for: user.id, limit: 100) == source.notifications(for: user.id, limit: 100))
        }
        let quiet = try #require(try await store.room(named: "quiet"))
        #expect(quiet.rules.archiveAfterSeconds == 7 * 86_400 && quiet.rules.retention == .seconds(90 * 86_400), "\(quiet.rules)")
        #expect(try await store.room(named: "side")?.rules.retention == .forever)
        #expect(try await store.room(named: "lobby")?.rules == RoomRules())
        for report in fixture.reports { #expect(try await store.report(id: report.id) == report) }
        #expect(try await store.report(id: fixture.reports[1].id)?.resolution == fixture.reports[1].resolution)
        #expect(try await store.reports(ReportQuery()).map(\.id) == source.reports(ReportQuery()).map(\.id))
        #expect(try await store.reports(ReportQuery(openOnly: true)).map(\.id) == [fixture.reports[0].id])

        let again = try await CopyStore(from: source, to: target)(.init(batchSize: 4))
        #expect(again.written == 0 && again.unchanged == report.written)

        let ann = fixture.users[0]
        for room in fixture.rooms {
            let next = try await store.insertMessage(Message(roomID: room.id, roomName: room.name, senderID: ann.id, senderName: ann.username, content: "after"))
            #expect(next.sequence == fixture.lastSequence(of: room) + 1, "\(room.name)")
        }
        let original = try #require(fixture.live.first { $0.clientID != nil && $0.senderID == ann.id })
        let resent = try await store.insertMessage(Message(
            roomID: original.roomID, roomName: original.roomName, senderID: ann.id, senderName: ann.username, content: "resent", clientID: original.clientID))
        #expect(resent.id == original.id, "a resend of a copied client id is answered with the copied message")
        await store.close()
    }

    @Test("a username the target holds under another id: the copy stops with a conflict naming users and the field", arguments: TestStores.kinds)
    func conflict(kind: Kind) async throws {
        let source = MemoryChatStore()
        _ = try await StoreCopyFixture.seed(source)
        let store = try await TestStores.make(kind)
        try await store.insertUser(User(username: "ann", email: "someone@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv"))
        do {
            _ = try await CopyStore(from: source, to: try Self.transfer(store))()
            Issue.record("the copy went through a conflict")
        } catch let error as StoreCopyError {
            #expect(error.collection == .users && error.stage == .writingTarget)
            #expect(error.reason.contains("username"), "\(error)")
        }
        await store.close()
    }

    @Test("verify tells a room's archive age or retention and a report changed on the target; a copy puts the source's back (the target's own rules removed, its resolution undone)", arguments: TestStores.kinds)
    func verifyDetectsChangedRulesAndReports(kind: Kind) async throws {
        let source = MemoryChatStore()
        let fixture = try await StoreCopyFixture.seed(source)
        let store = try await TestStores.make(kind)
        let target = try Self.transfer(store)
        _ = try await CopyStore(from: source, to: target)()
        try await Self.expectSame(source, target, "after the copy")

        let (lobby, quiet) = (fixture.rooms[0], fixture.rooms[2])
        _ = try await store.changeRoomRules(RoomRules.Change(archiveAfter: .set(3_600), retention: .set(.forever)), roomID: lobby.id)
        _ = try await store.changeRoomRules(RoomRules.Change(retention: .set(.seconds(86_400))), roomID: quiet.id)
        _ = try await store.resolveReport(id: fixture.reports[0].id, resolution: Report.Resolution(action: .ban, by: "root@elsewhere", note: "enough"))
        let differing = try await VerifyStoreCopy(source: source, target: target)(batchSize: 3).filter { !$0.matches }.map(\.collection)
        #expect(differing == [.rooms, .reports])

        let repair = try await CopyStore(from: source, to: target)()
        #expect(repair.written == 3, "two rooms and a report")
        try await Self.expectSame(source, target, "after the repair")
        #expect(try await store.room(id: lobby.id)?.rules == RoomRules(), "the target's own archive age and retention removed")
        #expect(try await store.room(id: quiet.id)?.rules.retention == .seconds(90 * 86_400))
        #expect(try await store.report(id: fixture.reports[0].id) == fixture.reports[0], "open again, without the target's resolution")
        await store.close()
    }

    @Test("a report of the same message by the same reporter the target holds under another id: the copy stops with a conflict naming reports", arguments: TestStores.kinds)
    func reportConflict(kind: Kind) async throws {
        let source = MemoryChatStore()
        let fixture = try await StoreCopyFixture.seed(source)
        let store = try await TestStores.make(kind)
        let copied = fixture.reports[1]
        try await store.insertReport(Report(
            messageID: copied.messageID, roomID: copied.roomID, senderID: copied.senderID, reporterID: copied.reporterID, reason: "another"))
        do {
            _ = try await CopyStore(from: source, to: try Self.transfer(store))()
            Issue.record("the copy went through a conflict")
        } catch let error as StoreCopyError {
            #expect(error.collection == .reports && error.stage == .writingTarget)
            #expect(error.reason.contains("holds this report under another id"), "\(error)")
        }
        await store.close()
    }

    @Test("SQLite → MongoDB → SQLite keeps ids, password hashes, times, seq and each room's counter; users log in with the copied hash; posts continue the seq",
          .enabled(if: MongoTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason)))
    func roundTrip() async throws {
        let first = try await TestStores.make(.sqlite)
        let fixture = try await StoreCopyFixture.seed(first, messagesPerRoom: 30, batch: 7)
        let mongo = try await TestStores.mongo(uri: try MongoTestServer.requireURI())
        let last = try await TestStores.make(.sqlite)
        let (one, two, three) = (try Self.transfer(first), try Self.transfer(mongo), try Self.transfer(last))

        _ = try await CopyStore(from: one, to: two)(.init(batchSize: 16))
        _ = try await CopyStore(from: two, to: three)(.init(batchSize: 16))
        try await Self.expectSame(one, two, "SQLite → MongoDB")
        try await Self.expectSame(two, three, "MongoDB → SQLite")
        try await Self.expectSame(one, three, "the round trip")

        let rooms = try await two.records(of: .rooms, after: nil, limit: 10)
        guard case .rooms(let records) = rooms else { throw TestFailure("not rooms: \(rooms)") }
        for record in records {
            let room = try #require(fixture.rooms.first { $0.id == record.room.id })
            #expect(record.lastSequence == fixture.lastSequence(of: room), "MongoDB's last_seq of \(room.name)")
        }
        for store in [mongo as any ChatStore, last] {
            for user in fixture.users { #expect(try await store.user(id: user.id) == first.user(id: user.id)) }
            for room in fixture.rooms { #expect(try await store.room(id: room.id)?.rules == room.rules, "\(store.displayName) \(room.name)") }
            for report in fixture.reports { #expect(try await store.report(id: report.id) == report, "\(store.displayName)") }
            for room in fixture.rooms {
                #expect(try await store.recentMessages(inRoom: room.id, limit: 100) == first.recentMessages(inRoom: room.id, limit: 100))
            }
            let ports = await ChatPorts.inMemory(store: store)
            let login = try await LogIn(ports: ports)(username: "ann", password: StoreCopyFixture.password)
            #expect(login.user.id == fixture.users[0].id && !login.token.isEmpty, "\(store.displayName)")
            await #expect(throws: ChatError.userDisabled) { _ = try await LogIn(ports: ports)(username: "cat", password: StoreCopyFixture.password) }
        }
        let ann = fixture.users[0]
        for (store, room) in [(mongo as any ChatStore, fixture.rooms[0]), (last, fixture.rooms[1])] {
            let next = try await store.insertMessage(Message(roomID: room.id, roomName: room.name, senderID: ann.id, senderName: ann.username, content: "next"))
            #expect(next.sequence == fixture.lastSequence(of: room) + 1, "\(store.displayName) \(room.name)")
        }
        await mongo.close()
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
