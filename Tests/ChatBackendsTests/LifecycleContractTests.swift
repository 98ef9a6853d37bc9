import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// The store methods behind the data lifecycle — a room's own archive age and retention,
/// the per-room count of aged messages — and a whole run, on every store.
@Suite("store contract: data lifecycle (room archive age and retention, aged messages, a run)")
struct LifecycleContractTests {
    typealias Kind = TestStores.Kind
    typealias Fixture = LifecycleFixture

    @Test("a room's archive age and retention: none on a new room; set, none and back to the default; read back by id, by name and in the list; kept when inserted with them; other rules untouched", arguments: TestStores.kinds)
    func roomLifecycle(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let room = Room(name: "lobby", rules: RoomRules(slowModeSeconds: 10, topic: "news"))
        try await store.insertRoom(room)
        #expect(try await store.room(id: room.id)?.rules.archiveAfterSeconds == nil)
        #expect(try await store.room(id: room.id)?.rules.retention == nil)

        let set = try await store.changeRoomRules(.init(archiveAfter: .set(7 * 86_400), retention: .set(.seconds(90 * 86_400))), roomID: room.id)
        let expected = RoomRules(slowModeSeconds: 10, topic: "news", archiveAfterSeconds: 7 * 86_400, retention: .seconds(90 * 86_400))
        #expect(set?.rules == expected)
        #expect(try await store.room(named: "lobby")?.rules == expected)
        #expect(try await store.allRooms().first?.rules == expected)

        let kept = try await store.changeRoomRules(.init(retention: .set(.forever)), roomID: room.id)
        #expect(kept?.rules.retention == .forever && kept?.rules.archiveAfterSeconds == 7 * 86_400)
        #expect(try await store.room(id: room.id)?.rules.retention == .forever, "none reads back as none, not as the default")

        let back = try await store.changeRoomRules(.init(archiveAfter: .useDefault, retention: .useDefault), roomID: room.id)
        #expect(back?.rules == RoomRules(slowModeSeconds: 10, topic: "news"))
        #expect(try await store.changeRoomRules(.init(archiveAfter: .set(60)), roomID: ObjectID()) == nil)

        let ruled = Room(name: "ruled", rules: RoomRules(archiveAfterSeconds: 3600, retention: .forever))
        try await store.insertRoom(ruled)
        #expect(try await store.room(id: ruled.id)?.rules == ruled.rules, "a room inserted with a lifecycle keeps it")
    }

    @Test("aged messages per room, live and archived: count, oldest and newest (time and id); one room or all, rooms with none left out, a deleted room's included, ordered by room id", arguments: TestStores.kinds)
    func agedMessages(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let fixture = try await Fixture.seed(store)
        let day = Double(Fixture.day)
        let labels = ["fast", "keep", "short", "plain", "gone"]
        func id(_ label: String) -> ObjectID { label == "gone" ? fixture.goneID : fixture.rooms[label]!.id }
        func message(_ label: String, _ age: Int) throws -> Message { try #require(fixture.messages["\(label) \(age)"]) }

        let monthOld = try await store.agedMessages(in: .live, olderThan: fixture.now.addingTimeInterval(-30 * day), room: nil)
        #expect(monthOld.map(\.roomID) == labels.map(id).sorted { $0.hex < $1.hex }, "every room, the deleted one too, by id")
        for summary in monthOld {
            let label = try #require(fixture.label(of: summary.roomID))
            let oldest = try message(label, 100), newest = try message(label, 40)
            #expect(summary.count == (label == "gone" ? 2 : 3), "\(label)")
            #expect(summary.oldestID == oldest.id && summary.oldest == oldest.timestamp, "\(label)")
            #expect(summary.newestID == newest.id && summary.newest == newest.timestamp, "\(label)")
        }

        let one = try await store.agedMessages(in: .live, olderThan: fixture.now.addingTimeInterval(-5 * day), room: id("fast"))
        let fastTen = try message("fast", 10)
        #expect(one.count == 1 && one.first?.count == 4 && one.first?.newestID == fastTen.id)
        #expect(try await store.agedMessages(in: .live, olderThan: fixture.now.addingTimeInterval(-200 * day), room: nil).isEmpty)
        #expect(try await store.agedMessages(in: .archived, olderThan: fixture.now, room: nil).isEmpty)

        let archived = [try message("plain", 70), try message("plain", 100), try message("gone", 100)]
        try await store.copyToArchive(archived)
        _ = try await store.deleteMessages(ids: archived.map(\.id))
        let inArchive = try await store.agedMessages(in: .archived, olderThan: fixture.now.addingTimeInterval(-60 * day), room: nil)
        #expect(inArchive.map(\.roomID) == [id("plain"), fixture.goneID].sorted { $0.hex < $1.hex })
        let plain = try #require(inArchive.first { $0.roomID == id("plain") })
        #expect(plain.count == 2 && plain.oldestID == archived[1].id && plain.newestID == archived[0].id)
        #expect(try await store.agedMessages(in: .archived, olderThan: fixture.now.addingTimeInterval(-80 * day), room: id("plain")).first?.count == 1)
        #expect(try await store.agedMessages(in: .live, olderThan: fixture.now.addingTimeInterval(-30 * day), room: id("plain")).first?.count == 1)
    }

    @Test("a run at each room's own values: what the plan counted is archived and deleted, nothing due is left; a run failing after a copy is finished by the rerun, each message exactly once", arguments: TestStores.kinds)
    func run(kind: Kind) async throws {
        let store = try await TestStores.make(kind)
        let fixture = try await Fixture.seed(store)
        let flaky = FlakyArchiveStore(base: store, fault: .failLiveDelete(onCall: 3))
        let lifecycle = EnforceLifecycle(store: flaky, cache: MemoryRecentCache(), locks: StoreLockService(store: store), defaults: Fixture.defaults)
        let options = EnforceLifecycle.Options(batchSize: 2, pause: .zero)

        let plan = try await lifecycle.plan(now: fixture.now)
        #expect(plan.archiveCount == 15 && plan.deleteCount == 9)
        await #expect(throws: FlakyArchiveStore.Injected.self) { try await lifecycle(options, now: fixture.now) }
        await flaky.inject(nil)
        let report = try await lifecycle(options, now: fixture.now)
        #expect(report.left.isEmpty && report.finished, "\(report.left)")

        let (live, archived) = try await fixture.contents(in: store)
        #expect(Set(live) == Fixture.expectedLive && live.count == Fixture.expectedLive.count, "\(live.sorted())")
        #expect(Set(archived) == Fixture.expectedArchived && archived.count == Fixture.expectedArchived.count, "\(archived.sorted())")
        #expect(try await lifecycle.plan(now: fixture.now).due.isEmpty)
    }
}
