import ChatCore
import ChatInProcess
import Foundation
import InProcessTestSupport
import Logging
import Testing

/// A lock service whose renewals always say the lease is gone.
struct ForgetfulLocks: LockService {
    func acquire(_ name: String, ttl: Duration) async throws -> LockLease? { LockLease(name: name, token: "t") }
    func renew(_ lease: LockLease, ttl: Duration) async throws -> Bool { false }
    func release(_ lease: LockLease) async throws {}
}

@Suite("data lifecycle: each room archived at its own age, archived messages deleted past their retention, checked after every run")
struct LifecycleTests {
    typealias Fixture = LifecycleFixture

    static func lifecycle(_ store: any ArchiveStore & RoomStore, locks: any LockService) -> EnforceLifecycle {
        EnforceLifecycle(store: store, cache: MemoryRecentCache(), locks: locks, defaults: Fixture.defaults)
    }

    static let options = EnforceLifecycle.Options(batchSize: 2, pause: .zero)

    /// Planned counts by the fixture's room labels.
    static func counts(_ rooms: [LifecyclePlan.RoomPlan], _ fixture: Fixture) -> (archive: [String: Int], delete: [String: Int]) {
        var archive: [String: Int] = [:]
        var delete: [String: Int] = [:]
        for room in rooms {
            guard let label = fixture.label(of: room.roomID) else { continue }
            archive[label] = room.archiveCount
            delete[label] = room.deleteCount
        }
        return (archive, delete)
    }

    /// The fixture's end state: each message once, where its room's lifecycle puts it.
    static func expectFinished(_ store: any ArchiveStore & RoomStore, _ fixture: Fixture) async throws {
        let (live, archived) = try await fixture.contents(in: store)
        #expect(Set(live) == Fixture.expectedLive && live.count == Fixture.expectedLive.count, "live: \(live.sorted())")
        #expect(Set(archived) == Fixture.expectedArchived && archived.count == Fixture.expectedArchived.count, "archived: \(archived.sorted())")
    }

    @Test("rooms with their own age, their own retention, none and the defaults (and a deleted room): the plan names each value's source; the run does what it planned, deletes only archived messages, leaves nothing due; a rerun has nothing to do")
    func ownAges() async throws {
        let store = MemoryChatStore()
        let fixture = try await Fixture.seed(store)
        let lifecycle = Self.lifecycle(store, locks: StoreLockService(store: store))

        let plan = try await lifecycle.plan(now: fixture.now)
        let planned = Self.counts(plan.rooms, fixture)
        #expect(planned.archive == Fixture.plannedArchive && planned.delete == Fixture.plannedDelete, "\(planned)")
        let byLabel = Dictionary(uniqueKeysWithValues: plan.rooms.compactMap { room in fixture.label(of: room.roomID).map { ($0, room) } })
        let fast = try #require(byLabel["fast"]), keep = try #require(byLabel["keep"]), plain = try #require(byLabel["plain"])
        let gone = try #require(byLabel["gone"])
        #expect(fast.applied == .init(archiveAfterSeconds: 7 * Fixture.day, archiveAfterSource: .room, retention: .seconds(30 * Fixture.day), retentionSource: .room))
        #expect(keep.applied.archiveAfterSource == .default && keep.applied.retention == .forever && keep.applied.retentionSource == .room)
        #expect(keep.retentionCutoff == nil && keep.toDelete == nil)
        #expect(plain.applied == Fixture.defaults.asDefault)
        #expect(gone.roomName == nil && gone.applied == Fixture.defaults.asDefault, "a deleted room's messages follow the defaults")
        #expect(plan.rooms.last?.roomID == fixture.goneID, "rooms by name, then the deleted ones")
        let oldestOfFast = try #require(fast.toArchive)
        #expect(oldestOfFast.oldestID == fixture.messages["fast 100"]?.id && oldestOfFast.newestID == fixture.messages["fast 10"]?.id)
        #expect(oldestOfFast.oldest == fixture.messages["fast 100"]?.timestamp && oldestOfFast.newest == fixture.messages["fast 10"]?.timestamp)
        #expect(fast.toDelete?.newestID == fixture.messages["fast 40"]?.id)
        #expect(try await fixture.contents(in: store).live.count == 22, "planning changed nothing")

        let report = try await lifecycle(Self.options, now: fixture.now)
        #expect(report.plan == plan, "the run worked from the same plan")
        #expect(report.archived == plan.archiveCount && report.deleted == plan.deleteCount && report.archived == 15 && report.deleted == 9)
        #expect(report.left.isEmpty && report.finished)
        try await Self.expectFinished(store, fixture)

        let again = try await lifecycle(Self.options, now: fixture.now)
        #expect(again.plan.due.isEmpty && again.archived == 0 && again.deleted == 0 && again.left.isEmpty)
        #expect(try await lifecycle.plan(now: fixture.now).due.isEmpty)
    }

    @Test("one room alone: only its messages, at its own values")
    func oneRoom() async throws {
        let store = MemoryChatStore()
        let fixture = try await Fixture.seed(store)
        let fast = try #require(fixture.rooms["fast"])
        let report = try await Self.lifecycle(store, locks: MemoryLockService())(.init(room: fast.id, batchSize: 2, pause: .zero), now: fixture.now)
        #expect(report.plan.rooms.map(\.roomID) == [fast.id])
        #expect(report.archived == 4 && report.deleted == 3 && report.left.isEmpty)
        let (live, archived) = try await fixture.contents(in: store)
        #expect(Set(archived) == ["fast 10"] && live.count == 22 - 4)
    }

    @Test("a run that fails mid-batch — after a copy, before its delete; then in the retention's deletes — is finished by the rerun, each message exactly once, and the lock was freed")
    func rerunAfterFailure() async throws {
        let base = MemoryChatStore()
        let fixture = try await Fixture.seed(base)
        let store = FlakyArchiveStore(base: base, fault: .failLiveDelete(onCall: 2))
        let lifecycle = Self.lifecycle(store, locks: StoreLockService(store: base))

        await #expect(throws: FlakyArchiveStore.Injected.self) { try await lifecycle(Self.options, now: fixture.now) }
        let half = try await fixture.contents(in: store)
        #expect(!Set(half.live).isDisjoint(with: half.archived), "a batch copied and not deleted: in both collections")

        await store.inject(.failArchivedDelete(onCall: 1))
        await #expect(throws: FlakyArchiveStore.Injected.self) { try await lifecycle(Self.options, now: fixture.now) }

        await store.inject(nil)
        let report = try await lifecycle(Self.options, now: fixture.now)
        #expect(report.left.isEmpty && report.finished, "\(report.left)")
        try await Self.expectFinished(store, fixture)
        #expect(try await lifecycle(Self.options, now: fixture.now).plan.due.isEmpty)
    }

    @Test("the count after a run catches a store that refuses deletes — of archived messages past their retention, of live ones it archived — and the run still ends")
    func refusedDeletes() async throws {
        for fault in [FlakyArchiveStore.Fault.refuseArchivedDeletes, .refuseLiveDeletes] {
            let base = MemoryChatStore()
            let fixture = try await Fixture.seed(base)
            let store = FlakyArchiveStore(base: base, fault: fault)
            let report = try await Self.lifecycle(store, locks: MemoryLockService())(Self.options, now: fixture.now)
            #expect(report.finished)
            let left = Self.counts(report.left, fixture)
            switch fault {
            case .refuseArchivedDeletes:
                #expect(report.deleted == 0)
                #expect(left.delete == Fixture.plannedDelete.filter { $0.value > 0 }, "\(left)")
                #expect(left.archive.values.allSatisfy { $0 == 0 }, "archiving worked")
            default:
                #expect(left.archive == Fixture.plannedArchive, "copied, never taken out of messages: \(left)")
            }
            #expect(report.leftCount > 0)
        }
    }

    @Test("the archive lock: a run while another holds it does nothing and says so; once freed the run goes; a lease that cannot be kept stops the run")
    func lock() async throws {
        let store = MemoryChatStore()
        let fixture = try await Fixture.seed(store)
        let locks = MemoryLockService()
        let lifecycle = Self.lifecycle(store, locks: locks)
        let held = try #require(try await locks.acquire(ArchiveLock.name, ttl: .seconds(60)))
        await #expect(throws: ArchiveLockError.held) { try await lifecycle(Self.options, now: fixture.now) }
        #expect(try await fixture.contents(in: store).live.count == 22, "nothing ran")
        await #expect(throws: ArchiveLockError.held) {
            try await ArchiveLock(locks: locks).holding { 1 }
        }
        try await locks.release(held)
        #expect(try await lifecycle(Self.options, now: fixture.now).left.isEmpty)
        #expect(try await locks.acquire(ArchiveLock.name, ttl: .seconds(1)) != nil, "released after the run")

        await #expect(throws: ArchiveLockError.lost) {
            try await ArchiveLock(locks: ForgetfulLocks(), ttl: .milliseconds(30)).holding { () async throws -> Int in
                try await Task.sleep(for: .seconds(60))
                return 1
            }
        }
    }

    @Test("rules: the archive age and retention are set, none, and back to the default; the policy says where each value comes from; bad values name the field")
    func rules() throws {
        let rules = RoomRules().applying(.init(archiveAfter: .set(3600), retention: .set(.forever)))
        #expect(rules.archiveAfterSeconds == 3600 && rules.retention == .forever && !rules.isDefault)
        #expect(rules.applying(.init(archiveAfter: .useDefault, retention: .useDefault)).isDefault)
        #expect(!RoomRules.Change(retention: .useDefault).isEmpty)
        let policy = LifecyclePolicy(archiveAfterSeconds: 86_400, retention: .seconds(7_200))
        let applied = policy.applied(to: rules)
        #expect(applied.archiveAfterSeconds == 3600 && applied.archiveAfterSource == .room && applied.retention == .forever && applied.retentionSource == .room)
        #expect(policy.applied(to: RoomRules()) == policy.asDefault && policy.asDefault.retentionSource == .default)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(policy.asDefault.archiveAndDeleteCutoff(at: now) == now.addingTimeInterval(-86_400), "past both: the older cut-off")

        #expect(try Retention.parse("none") == .forever)
        #expect(try Retention.parse("90d") == .seconds(90 * 86_400))
        #expect(try Retention.parse(" 2w ") == .seconds(1_209_600))
        for bad in ["", "forever", "90", "-1d", "1.5d"] {
            #expect(throws: ChatError.invalid("retention", "'\(bad.trimmingCharacters(in: .whitespaces))' is neither none nor a duration (like 90d, 2w, 1d12h; units s m h d w)")) {
                try Retention.parse(bad)
            }
        }
        #expect(throws: ChatError.self) { try InputRules.validateLifecycleSeconds(0.5, field: "archive_after") }
    }

    @Test("setting the lifecycle through RoomRestrictions: stored, told to every node, validated")
    func restrictions() async throws {
        let store = MemoryChatStore()
        let room = Room(name: "lobby")
        try await store.insertRoom(room)
        let restrictions = RoomRestrictions(store: store, logger: .init(label: "test"))
        let changed = try await restrictions.setRules(.init(archiveAfter: .set(7 * 86_400), retention: .set(.seconds(90 * 86_400))), of: room)
        #expect(changed.rules.archiveAfterSeconds == 7 * 86_400 && changed.rules.retention == .seconds(90 * 86_400))
        #expect(try await store.moderationNotices(since: .distantPast).map(\.kind) == [.rulesChanged])
        let error = await #expect(throws: ChatError.self) { try await restrictions.setRules(.init(archiveAfter: .set(0)), of: room) }
        #expect(error?.field == "archive_after")
        let retention = await #expect(throws: ChatError.self) { try await restrictions.setRules(.init(retention: .set(.seconds(-5))), of: room) }
        #expect(retention?.field == "retention")
    }
}
