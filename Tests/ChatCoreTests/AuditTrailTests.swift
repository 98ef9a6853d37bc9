import ChatInProcess
import ChatCore
import Foundation
import Logging
import Testing

@Suite("audit trail")
struct AuditTrailTests {
    static func trail(_ store: MemoryChatStore, user: String, host: String) -> AuditTrail {
        var logger = Logger(label: "audit-test")
        logger.logLevel = .critical
        return AuditTrail(log: store, actor: AuditActor(user: user, host: host), logger: logger)
    }

    @Test("a change is recorded ok, a failure with its error (and rethrown); secrets and URL credentials are left out")
    func outcomes() async throws {
        let store = MemoryChatStore()
        let alice = Self.trail(store, user: "alice", host: "ops1")
        let answer = try await alice.recording("users disable", target: "mallory") { 42 }
        #expect(answer == 42, "the change's result comes back")
        await #expect(throws: ChatError.userNotFound) {
            try await alice.recording(
                "users delete", target: "ghost",
                arguments: ["password": "hunter2", "secret_key": "k", "Token": "t", "store": "mongodb://app:s3cret@db:27017/chat", "reason": "spam"]
            ) { () throws -> Void in throw ChatError.userNotFound }
        }
        let records = try await store.auditRecords(AuditQuery())
        #expect(records.map(\.command) == ["users delete", "users disable"], "newest first")
        #expect(records.allSatisfy { $0.actor == AuditActor(user: "alice", host: "ops1") })
        #expect(records[1].target == "mallory" && records[1].outcome == .ok && records[1].arguments.isEmpty)
        #expect(records[0].target == "ghost" && records[0].outcome == .failed("user does not exist"))
        #expect(records[0].arguments == ["store": "mongodb://db:27017/chat", "reason": "spam"])
    }

    @Test("listed by actor (user, or user@host), since a time, at most a limit")
    func queries() async throws {
        let store = MemoryChatStore()
        let alice = Self.trail(store, user: "alice", host: "ops1"), bob = Self.trail(store, user: "bob", host: "ops2")
        for index in 0..<3 { _ = try await alice.recording("rooms create", target: "r\(index)") { () } }
        _ = try await bob.recording("users create", target: "carol") { () }
        #expect(try await store.auditRecords(AuditQuery()).map(\.target) == ["carol", "r2", "r1", "r0"])
        #expect(try await store.auditRecords(AuditQuery(actor: "bob")).map(\.target) == ["carol"])
        #expect(try await store.auditRecords(AuditQuery(actor: "alice@ops1")).count == 3)
        #expect(try await store.auditRecords(AuditQuery(actor: "alice@ops2")).isEmpty)
        #expect(try await store.auditRecords(AuditQuery(limit: 2)).map(\.target) == ["carol", "r2"])
        #expect(try await store.auditRecords(AuditQuery(since: Date().addingTimeInterval(60))).isEmpty)
        #expect(try await store.auditRecords(AuditQuery(since: Date().addingTimeInterval(-60))).count == 4)
        #expect(AuditQuery(actor: "ops@team@host").actorUser == "ops@team" && AuditQuery(actor: "ops@team@host").actorHost == "host")
    }

    @Test("a log cursor reads from a look-back before the last poll, skips what it acted on and forgets what is old")
    func cursor() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var cursor = LogCursor(start: start, lookback: 10)
        #expect(cursor.readFrom == start.addingTimeInterval(-10))
        let a = SessionEnd(userID: ObjectID(), reason: "a", at: start)
        let b = SessionEnd(userID: ObjectID(), reason: "b", at: start.addingTimeInterval(1))
        #expect(cursor.fresh([a, b], id: { $0.id }, at: { $0.at }).map(\.reason) == ["a", "b"])
        #expect(cursor.fresh([a, b], id: { $0.id }, at: { $0.at }).isEmpty)
        cursor.advance(to: start.addingTimeInterval(5))
        #expect(cursor.readFrom == start.addingTimeInterval(-5))
        #expect(cursor.fresh([b], id: { $0.id }, at: { $0.at }).isEmpty)
        cursor.advance(to: start.addingTimeInterval(30))  // forgets what is older than 30 - 2 × 10
        #expect(cursor.fresh([a], id: { $0.id }, at: { $0.at }).map(\.reason) == ["a"])
    }
}
