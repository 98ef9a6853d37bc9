import ChatCore
import ChatInProcess
import Foundation
import InProcessTestSupport
import Synchronization
import Testing

@Suite("copying a store (db copy) on memory stores")
struct CopyStoreTests {
    /// A target that fails its `failAt`-th write, after writing the first half of that
    /// batch (as a killed MongoDB bulk write leaves a prefix).
    final class FailingTarget: StoreTransfer {
        struct Injected: Error {}

        let inner: any StoreTransfer
        let failAt: Int
        private let writes = Mutex(0)

        init(_ inner: any StoreTransfer, failAt: Int) {
            self.inner = inner
            self.failAt = failAt
        }

        func recordCount(of collection: StoreCollection) async throws -> Int { try await inner.recordCount(of: collection) }

        func records(of collection: StoreCollection, after key: String?, limit: Int) async throws -> RecordBatch {
            try await inner.records(of: collection, after: key, limit: limit)
        }

        func records(of collection: StoreCollection, keys: [String]) async throws -> RecordBatch {
            try await inner.records(of: collection, keys: keys)
        }

        func upsert(_ batch: RecordBatch) async throws {
            let count = writes.withLock { value in
                value += 1
                return value
            }
            guard count == failAt else { return try await inner.upsert(batch) }
            try await inner.upsert(batch.keeping(Set(batch.keys.prefix(batch.count / 2))))
            throw Injected()
        }
    }

    static func comparisons(_ source: MemoryChatStore, _ target: MemoryChatStore) async throws -> [VerifyStoreCopy.Comparison] {
        try await VerifyStoreCopy(source: source, target: target)(batchSize: 4)
    }

    @Test("every collection copied in pages: ids, hashes, times, seq, rules (archive age and retention too), members, mutes, bans, reports with their resolution kept; verify matches; a post continues the room's seq; a rerun writes nothing")
    func copies() async throws {
        let source = MemoryChatStore()
        let fixture = try await StoreCopyFixture.seed(source)
        let target = MemoryChatStore()
        let report = try await CopyStore(from: source, to: target)(.init(batchSize: 3))
        #expect(report.collections.map(\.collection) == StoreCollection.allCases)
        for collection in report.collections {
            #expect(try await source.recordCount(of: collection.collection) == collection.read, "\(collection.collection)")
            #expect(collection.written == collection.read && collection.unchanged == 0, "\(collection.collection)")
        }
        #expect(report.collections.first { $0.collection == .messages }?.batches == 6, "16 messages in pages of 3")
        #expect(try await Self.comparisons(source, target).allSatisfy(\.matches))

        for user in fixture.users { #expect(try await target.user(id: user.id) == source.user(id: user.id)) }
        #expect(try await target.user(named: "ann")?.passwordHash == fixture.passwordHash)
        #expect(try await target.user(named: "ben")?.ban?.reason == "spam")
        #expect(try await target.user(named: "cat")?.disabled == true)
        for room in fixture.rooms {
            #expect(try await target.room(id: room.id) == source.room(id: room.id))
            #expect(try await target.recentMessages(inRoom: room.id, limit: 100) == source.recentMessages(inRoom: room.id, limit: 100))
        }
        #expect(try await target.room(named: "side")?.members == fixture.rooms[1].members, "members in order")
        #expect(try await target.mutes(inRoom: fixture.rooms[0].id, at: Date()) == source.mutes(inRoom: fixture.rooms[0].id, at: Date()))
        #expect(try await target.archivedMessages(room: nil, from: nil, to: nil, limit: 100).map(\.id) == fixture.archived.map(\.id))
        let quiet = try #require(try await target.room(named: "quiet"))
        #expect(quiet.rules.archiveAfterSeconds == 7 * 86_400 && quiet.rules.retention == .seconds(90 * 86_400))
        #expect(quiet.rules == fixture.rooms[2].rules)
        #expect(try await target.room(named: "side")?.rules.retention == .forever, "kept forever is not the default")
        #expect(try await target.room(named: "lobby")?.rules == RoomRules(), "the defaults stay the defaults")
        for report in fixture.reports { #expect(try await target.report(id: report.id) == report) }
        #expect(try await target.report(id: fixture.reports[0].id)?.status == .open)
        let resolution = try #require(try await target.report(id: fixture.reports[1].id)?.resolution)
        #expect(resolution == fixture.reports[1].resolution)
        #expect(resolution.action == .mute && resolution.by == "root@ops1" && resolution.note == "cooling off")
        #expect(try await target.reports(ReportQuery(openOnly: true, limit: 10)).map(\.id) == [fixture.reports[0].id])

        let lobby = fixture.rooms[0]
        let next = try await target.insertMessage(Message(roomID: lobby.id, roomName: lobby.name, senderID: fixture.users[0].id, senderName: "ann", content: "after"))
        #expect(next.sequence == fixture.lastSequence(of: lobby) + 1)

        let again = try await CopyStore(from: source, to: target)(.init(batchSize: 3))
        #expect(again.written == 0)
        #expect(again.unchanged == report.written)
    }

    @Test("a failure in the middle of messages (half a batch written), then a rerun: finished, nothing twice, verify matches")
    func rerunAfterFailure() async throws {
        let source = MemoryChatStore()
        _ = try await StoreCopyFixture.seed(source)
        let target = MemoryChatStore()
        // Writes 1-3: users, rooms, mutes (one page each); 4-9: the messages in pages of 3.
        let failing = FailingTarget(target, failAt: 5)
        do {
            _ = try await CopyStore(from: source, to: failing)(.init(batchSize: 3))
            Issue.record("the injected failure did not stop the copy")
        } catch let error as StoreCopyError {
            #expect(error.collection == .messages && error.stage == .writingTarget)
        }
        #expect(try await target.recordCount(of: .messages) == 3 + 1, "one page, then half of the next")
        #expect(try await target.recordCount(of: .archivedMessages) == 0)

        let rerun = try await CopyStore(from: source, to: target)(.init(batchSize: 3))
        let messages = try #require(rerun.collections.first { $0.collection == .messages })
        #expect(messages.unchanged == 4 && messages.written == 12)
        #expect(rerun.collections.first { $0.collection == .users }?.written == 0)
        for collection in StoreCollection.allCases {
            #expect(try await target.recordCount(of: collection) == source.recordCount(of: collection), "\(collection): no duplicates")
        }
        #expect(try await Self.comparisons(source, target).allSatisfy(\.matches))
    }

    @Test("verify names every collection that differs: a changed field (a password hash, a room's retention, a report's resolution), a missing record, a record only the target has")
    func verifyDetectsDifferences() async throws {
        let source = MemoryChatStore()
        let fixture = try await StoreCopyFixture.seed(source)
        let target = MemoryChatStore()
        _ = try await CopyStore(from: source, to: target)()
        #expect(try await Self.comparisons(source, target).allSatisfy(\.matches))

        _ = try await target.setPasswordHash("$2a$10$changedchangedchangedchangedchangedchangedchangedcha", forUser: fixture.users[0].id)
        let firstNotification = try #require(try await target.records(of: .notifications, after: nil, limit: 1).keys.first.flatMap { ObjectID(hex: $0) })
        _ = try await target.deleteNotifications(ids: [firstNotification])
        try await target.recordAudit(AuditRecord(actor: AuditActor(user: "root", host: "elsewhere"), command: "users create", target: "dan", outcome: .ok))
        _ = try await target.changeRoomRules(RoomRules.Change(retention: .set(.seconds(30 * 86_400))), roomID: fixture.rooms[2].id)
        _ = try await target.resolveReport(id: fixture.reports[0].id, resolution: Report.Resolution(action: .none, by: "root@elsewhere"))
        let comparisons = try await Self.comparisons(source, target)
        #expect(comparisons.filter { !$0.matches }.map(\.collection) == [.users, .rooms, .notifications, .reports, .auditLog])
        for collection in [StoreCollection.rooms, .reports] {
            let comparison = try #require(comparisons.first { $0.collection == collection })
            #expect(comparison.source.count == comparison.target.count && comparison.source.sha256 != comparison.target.sha256, "\(collection)")
        }
        let users = try #require(comparisons.first { $0.collection == .users })
        #expect(users.source.count == users.target.count && users.source.sha256 != users.target.sha256, "same count, other checksum")
        let audit = try #require(comparisons.first { $0.collection == .auditLog })
        #expect(audit.target.count == audit.source.count + 1)

        // The copy writes the changed and the missing records again; the extra one stays.
        let repair = try await CopyStore(from: source, to: target)()
        #expect(repair.written == 4)
        #expect(try await target.room(id: fixture.rooms[2].id)?.rules.retention == .seconds(90 * 86_400))
        #expect(try await target.report(id: fixture.reports[0].id)?.status == .open)
        #expect(try await Self.comparisons(source, target).filter { !$0.matches }.map(\.collection) == [.auditLog])
    }

    @Test("a unique value the target holds under another id is a conflict naming the collection and the field")
    func conflict() async throws {
        let source = MemoryChatStore()
        _ = try await StoreCopyFixture.seed(source)
        let target = MemoryChatStore()
        try await target.insertUser(User(username: "ann", email: "other@example.com", passwordHash: "$2a$10$x"))
        do {
            _ = try await CopyStore(from: source, to: target)()
            Issue.record("the copy went through a conflict")
        } catch let error as StoreCopyError {
            #expect(error.collection == .users && error.stage == .writingTarget)
            #expect(error.description.contains("username"))
        }
    }

    @Test("a report the target holds for the same reporter and message under another id is a conflict naming reports")
    func reportConflict() async throws {
        let source = MemoryChatStore()
        let fixture = try await StoreCopyFixture.seed(source)
        let target = MemoryChatStore()
        let copied = fixture.reports[0]
        try await target.insertReport(Report(
            messageID: copied.messageID, roomID: copied.roomID, senderID: copied.senderID, reporterID: copied.reporterID, reason: "another"))
        do {
            _ = try await CopyStore(from: source, to: target)()
            Issue.record("the copy went through a conflict")
        } catch let error as StoreCopyError {
            #expect(error.collection == .reports && error.stage == .writingTarget)
            #expect(error.reason.contains("holds this report under another id"), "\(error)")
        }
    }

    @Test("the canonical form leaves out the names a read joins in and an archived copy's client id, and tells an empty value from none")
    func canonicalForm() {
        let message = Message(roomID: ObjectID(), roomName: "lobby", senderID: ObjectID(), senderName: "ann", content: "hi", sequence: 3, clientID: "c1")
        var renamed = message
        renamed.roomName = ""
        renamed.senderName = "someone"
        #expect(RecordBatch.messages([message]).entries == RecordBatch.messages([renamed]).entries)
        var withoutClientID = message
        withoutClientID.clientID = nil
        #expect(RecordBatch.messages([message]).entries != RecordBatch.messages([withoutClientID]).entries)
        #expect(RecordBatch.archivedMessages([message]).entries == RecordBatch.archivedMessages([withoutClientID]).entries)
        let room = Room(name: "r")
        var topical = room
        topical.rules.topic = ""
        #expect(RecordBatch.rooms([RoomRecord(room: room, lastSequence: 0)]).entries != RecordBatch.rooms([RoomRecord(room: topical, lastSequence: 0)]).entries)
        func entry(_ rules: RoomRules) -> RecordEntry {
            var ruled = room
            ruled.rules = rules
            return RecordBatch.rooms([RoomRecord(room: ruled, lastSequence: 0)]).entries[0]
        }
        let lifecycles = [
            RoomRules(), RoomRules(archiveAfterSeconds: 86_400), RoomRules(archiveAfterSeconds: 3_600), RoomRules(retention: .forever),
            RoomRules(retention: .seconds(86_400)), RoomRules(retention: .seconds(3_600)),
        ]
        #expect(Set(lifecycles.map { entry($0).canonical }).count == lifecycles.count, "every archive age and retention, the default and none told apart")

        let report = Report(messageID: ObjectID(), roomID: ObjectID(), senderID: ObjectID(), reporterID: ObjectID(), reason: "spam")
        var resolved = report
        resolved.state = .resolved(Report.Resolution(action: .delete, by: "root@ops1", note: "gone"))
        var renoted = resolved
        renoted.state = .resolved(Report.Resolution(action: .delete, by: "root@ops1", at: resolved.resolution!.at, note: ""))
        let reports = [report, resolved, renoted].map { RecordBatch.reports([$0]).entries[0].canonical }
        #expect(Set(reports).count == 3, "open, resolved, and a resolution that differs only by its note")

        let behind = RecordBatch.rooms([RoomRecord(room: room, lastSequence: 2)]).entries[0]
        let ahead = RecordBatch.rooms([RoomRecord(room: room, lastSequence: 5)]).entries[0]
        #expect(behind.isCopied(in: ahead) && !ahead.isCopied(in: behind), "a counter only has to be at least as far")
    }

    @Test("SHA-256 gives the FIPS 180-4 digests, whole or fed in pieces")
    func sha256() {
        #expect(SHA256Hasher.hex(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hasher.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256Hasher.hex(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var pieces = SHA256Hasher()
        for piece in ["abcdbcdecdefdefgefgh", "", "fghighijhijkijkljklmklmnlmnomno", "pnopq"] { pieces.update(piece) }
        #expect(pieces.hexDigest() == SHA256Hasher.hex(of: long))
        var million = SHA256Hasher()
        let thousand = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { million.update(thousand) }
        #expect(million.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("the copy's audit record goes into both stores, with one id")
    func mirroredAudit() async throws {
        let first = MemoryChatStore(), second = MemoryChatStore()
        let record = AuditRecord(actor: AuditActor(user: "root", host: "ops1"), command: "db copy", target: "sqlite:x", outcome: .ok)
        try await MirroredAuditLog(first, second).recordAudit(record)
        #expect(try await first.auditRecords(AuditQuery()).map(\.id) == [record.id])
        #expect(try await second.auditRecords(AuditQuery()).map(\.id) == [record.id])
    }
}
