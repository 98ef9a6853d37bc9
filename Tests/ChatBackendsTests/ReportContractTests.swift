import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import MongoKit
import Testing

/// The store methods behind `POST /api/message/report/` and `chatctl reports list|resolve`,
/// on every store.
@Suite("store contract: message reports")
struct ReportContractTests {
    typealias Kind = TestStores.Kind

    /// A report of a message in `room`, made `secondsAgo` before a fixed time.
    static func report(room: ObjectID, message: ObjectID = ObjectID(), reporter: ObjectID = ObjectID(), secondsAgo: Double, reason: String = "spam")
        -> Report
    {
        Report(
            messageID: message, roomID: room, senderID: ObjectID(), reporterID: reporter, reason: reason,
            createdAt: Date(timeIntervalSince1970: 1_800_000_000.123).addingTimeInterval(-secondsAgo))
    }

    @Test("reports read back by id and in lists, newest first; open only, by room, at most the limit; an unknown id is nil", arguments: TestStores.kinds)
    func readBack(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let lobby = ObjectID(), hall = ObjectID()
        let oldest = Self.report(room: lobby, secondsAgo: 30, reason: "first")
        let middle = Self.report(room: hall, secondsAgo: 20, reason: "second")
        let newest = Self.report(room: lobby, secondsAgo: 10, reason: "third")
        for report in [middle, newest, oldest] { try await store.insertReport(report) }

        #expect(try await store.report(id: middle.id) == middle)
        #expect(try await store.report(id: ObjectID()) == nil)
        #expect(try await store.reports(ReportQuery()) == [newest, middle, oldest])
        #expect(try await store.reports(ReportQuery(roomID: lobby)) == [newest, oldest])
        #expect(try await store.reports(ReportQuery(limit: 2)) == [newest, middle])
        #expect(try await store.reports(ReportQuery(openOnly: true, roomID: hall)) == [middle])

        let resolved = Report.Resolution(action: .delete, by: "root@ops1", at: Date(timeIntervalSince1970: 1_800_000_100.5), note: "spam wave")
        guard case .resolved(let now) = try await store.resolveReport(id: newest.id, resolution: resolved) else {
            Issue.record("an open report was not resolved")
            return
        }
        #expect(try await store.reports(ReportQuery(openOnly: true)) == [middle, oldest])
        #expect(try await store.reports(ReportQuery()).first == now, "a resolved report is still listed without --open")
    }

    @Test("one report per reporter and message: a second is refused as reportExists; another reporter or another message is not", arguments: TestStores.kinds)
    func onePerReporterAndMessage(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let room = ObjectID(), message = ObjectID(), reporter = ObjectID()
        try await store.insertReport(Self.report(room: room, message: message, reporter: reporter, secondsAgo: 5))
        await #expect(throws: ChatError.reportExists) {
            try await store.insertReport(Self.report(room: room, message: message, reporter: reporter, secondsAgo: 1, reason: "again"))
        }
        try await store.insertReport(Self.report(room: room, message: message, secondsAgo: 4))
        try await store.insertReport(Self.report(room: room, reporter: reporter, secondsAgo: 3))
        let stored = try await store.reports(ReportQuery())
        #expect(stored.count == 3 && !stored.contains { $0.reason == "again" })
    }

    @Test("resolve: an open report once, with who, when, the action and the note (or none); again is alreadyResolved and changes nothing; an unknown id is notFound", arguments: TestStores.kinds)
    func resolve(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let report = Self.report(room: ObjectID(), secondsAgo: 60)
        try await store.insertReport(report)
        let first = Report.Resolution(action: .mute, by: "root@ops1", at: Date(timeIntervalSince1970: 1_800_000_200.25), note: "flooding")
        var expected = report
        expected.state = .resolved(first)
        #expect(try await store.resolveReport(id: report.id, resolution: first) == .resolved(expected))
        #expect(try await store.report(id: report.id) == expected)
        #expect(try await store.report(id: report.id)?.status == .resolved)

        let second = Report.Resolution(action: .ban, by: "someone@else", at: Date(timeIntervalSince1970: 1_800_000_300), note: nil)
        #expect(try await store.resolveReport(id: report.id, resolution: second) == .alreadyResolved(expected))
        #expect(try await store.report(id: report.id)?.resolution == first, "the first resolution stands")
        #expect(try await store.resolveReport(id: ObjectID(), resolution: second) == .notFound)

        for action in Report.Action.allCases {
            let other = Self.report(room: ObjectID(), secondsAgo: 1)
            try await store.insertReport(other)
            let resolution = Report.Resolution(action: action, by: "root@ops1", at: Date(timeIntervalSince1970: 1_800_000_400), note: nil)
            #expect(try await store.resolveReport(id: other.id, resolution: resolution) != .notFound)
            #expect(try await store.report(id: other.id)?.resolution == resolution, "\(action) without a note")
        }
    }

    @Test("on MongoDB, chatctl_reports holds ObjectIds, BSON dates and snake_case fields; the resolution's beside them once resolved",
          .enabled(if: MongoTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason)))
    func mongoLayout() async throws {
        let store = try await TestStores.mongo(uri: try MongoTestServer.requireURI())
        let report = Self.report(room: ObjectID(), secondsAgo: 0)
        try await store.insertReport(report)
        let raw = try MongoClient(uri: try MongoTestServer.requireURI())
        let reports = raw.collection("chatctl_reports", database: store.database)
        let stored = try #require(try await reports.findOne(["_id": .objectID(BSONObjectID(bytes: report.id.bytes))]))
        #expect(stored.keys.sorted() == ["_id", "created_at", "message_id", "reason", "reporter_id", "room_id", "sender_id", "status"])
        #expect(stored.objectID("message_id")?.bytes == report.messageID.bytes && stored.objectID("reporter_id")?.bytes == report.reporterID.bytes)
        #expect(stored.dateMilliseconds("created_at") == report.createdAt.millisecondsSince1970 && stored.string("status") == "open")

        _ = try await store.resolveReport(id: report.id, resolution: Report.Resolution(action: .redact, by: "root@ops1", note: "abuse"))
        let resolved = try #require(try await reports.findOne(["_id": .objectID(BSONObjectID(bytes: report.id.bytes))]))
        #expect(resolved.string("status") == "resolved" && resolved.string("action") == "redact" && resolved.string("resolved_by") == "root@ops1")
        #expect(resolved.string("note") == "abuse" && resolved.dateMilliseconds("resolved_at") != nil)
        await raw.close()
        await store.close()
    }
}
