import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Logging
import RedisKit
import Testing

/// The cache and revoked-token contracts, run on the in-process adapters and on Redis.
@Suite("recent cache and revoked tokens: memory and Redis")
struct RedisBackedContractTests {
    enum Kind: String, CaseIterable, Sendable { case memory, redis }

    static var kinds: [Kind] { RedisTestServer.shouldRun ? Kind.allCases : [.memory] }

    /// A backend plus whatever keeps it alive (the Redis server and client).
    struct Fixture {
        var cache: any RecentMessageCache
        var revoked: any RevokedTokens
        var server: RedisTestServer?
        var client: RedisClient?

        func tearDown() async {
            await client?.close()
            server?.stop()
        }
    }

    static func fixture(_ kind: Kind) async throws -> Fixture {
        switch kind {
        case .memory:
            return Fixture(cache: MemoryRecentCache(), revoked: MemoryRevokedTokens())
        case .redis:
            let server = try await RedisTestServer()
            let client = try RedisClient(url: server.url)
            return Fixture(
                cache: RedisRecentCache(client: client, logger: Logger(label: "test")),
                revoked: RedisRevokedTokens(client: client, logger: Logger(label: "test")),
                server: server, client: client)
        }
    }

    func message(_ content: String, room: ObjectID) -> Message {
        Message(roomID: room, roomName: "room", senderID: ObjectID(), senderName: "sender", content: content)
    }

    @Test("after 60 posts a join reads exactly the last 50, newest first, from the cache", arguments: kinds)
    func capped(kind: Kind) async throws {
        let f = try await Self.fixture(kind)
        let room = ObjectID()
        guard case .miss(let token) = await f.cache.lookup(room: room) else { Issue.record("expected a miss"); return }
        await f.cache.fill(room: room, messages: [], fillToken: token)
        #expect(await f.cache.lookup(room: room) == .hit([]), "an empty room is cached too")
        var posted: [Message] = []
        for index in 0..<60 {
            let m = message("m\(index)", room: room)
            posted.append(m)
            await f.cache.append(m)
        }
        #expect(await f.cache.lookup(room: room) == .hit(Array(posted.reversed().prefix(50))))
        await f.tearDown()
    }

    @Test("a fill that raced with a newer append is dropped", arguments: kinds)
    func staleFill(kind: Kind) async throws {
        let f = try await Self.fixture(kind)
        let room = ObjectID()
        guard case .miss(let token) = await f.cache.lookup(room: room) else { Issue.record("expected a miss"); return }
        await f.cache.append(message("newer", room: room))
        await f.cache.fill(room: room, messages: [], fillToken: token)
        if case .hit = await f.cache.lookup(room: room) { Issue.record("a stale fill was cached") }
        await f.tearDown()
    }

    @Test("invalidate drops the entry; the next lookup misses", arguments: kinds)
    func invalidate(kind: Kind) async throws {
        let f = try await Self.fixture(kind)
        let room = ObjectID()
        guard case .miss(let token) = await f.cache.lookup(room: room) else { Issue.record("expected a miss"); return }
        await f.cache.fill(room: room, messages: [message("x", room: room)], fillToken: token)
        await f.cache.invalidate(room: room, name: "")
        if case .hit = await f.cache.lookup(room: room) { Issue.record("still cached after invalidate") }
        await f.tearDown()
    }

    @Test("revoked tokens are refused until they expire", arguments: kinds)
    func revokedTokens(kind: Kind) async throws {
        let f = try await Self.fixture(kind)
        try await f.revoked.revoke("a.b.first", until: Date().addingTimeInterval(3600))
        #expect(try await f.revoked.isRevoked("a.b.first"))
        #expect(try await !f.revoked.isRevoked("a.b.second"))
        try await f.revoked.revoke("a.b.past", until: Date().addingTimeInterval(-1))
        #expect(try await !f.revoked.isRevoked("a.b.past"))
        try await f.revoked.revoke("a.b.short", until: Date().addingTimeInterval(0.2))
        let expired = try await waitUntil { try await !f.revoked.isRevoked("a.b.short") }
        #expect(expired)
        await f.tearDown()
    }
}

@Suite("Redis adapters when Redis misbehaves", .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
struct RedisFailureTests {
    @Test("a wrong cache entry is dropped and rebuilt from the store")
    func corruptEntry() async throws {
        let server = try await RedisTestServer()
        let client = try RedisClient(url: server.url)
        let cache = RedisRecentCache(client: client, logger: Logger(label: "test"))
        let room = ObjectID()
        try await client.command(["RPUSH", "chatctl:recent:\(room.hex)", "not json", "~end"])
        if case .hit = await cache.lookup(room: room) { Issue.record("a corrupt entry was served") }
        #expect(try await client.command(["EXISTS", "chatctl:recent:\(room.hex)"]).int == 0)
        await client.close()
        server.stop()
    }

    @Test("Redis down: the cache misses and revoked tokens answer from this node; revocations reach Redis once it is back")
    func down() async throws {
        let server = try await RedisTestServer()
        // Stopped, Redis refuses connections at once: the timeouts only bound a Redis that is
        // up and slow (a loaded machine), so they are generous.
        let client = try RedisClient(url: server.url, options: .init(connectTimeout: .seconds(5), commandTimeout: .seconds(10)))
        let cache = RedisRecentCache(client: client, logger: Logger(label: "test"))
        let revoked = RedisRevokedTokens(client: client, logger: Logger(label: "test"))
        server.stop()
        let room = ObjectID()
        guard case .miss = await cache.lookup(room: room) else { Issue.record("expected a miss while Redis is down"); return }
        await cache.append(Message(roomID: room, roomName: "r", senderID: ObjectID(), senderName: "s", content: "x"))
        #expect(try await !revoked.isRevoked("a.b.never"))
        try await revoked.revoke("a.b.during", until: Date().addingTimeInterval(3600))
        #expect(try await revoked.isRevoked("a.b.during"))

        try await server.start()
        let other = RedisRevokedTokens(client: try RedisClient(url: server.url), logger: Logger(label: "test"))
        let shared = try await waitUntil {
            _ = try await revoked.isRevoked("a.b.poke")  // a successful call flushes what waited
            return try await other.isRevoked("a.b.during")
        }
        #expect(shared, "the revocation made during the outage reached Redis")
        await client.close()
        server.stop()
    }
}

@Suite("locks: memory and Redis")
struct LockContractTests {
    enum Kind: String, CaseIterable, Sendable { case memory, redis }

    static var kinds: [Kind] { RedisTestServer.shouldRun ? Kind.allCases : [.memory] }

    func withLocks(_ kind: Kind, _ body: (any LockService, any LockService) async throws -> Void) async throws {
        switch kind {
        case .memory:
            let shared = MemoryLockService()
            try await body(shared, shared)
        case .redis:
            let server = try await RedisTestServer()
            let one = try RedisClient(url: server.url), two = try RedisClient(url: server.url)
            try await body(RedisLockService(client: one), RedisLockService(client: two))
            await one.close()
            await two.close()
            server.stop()
        }
    }

    @Test("of two contenders only one holds the lock; only the holder can renew or release it", arguments: kinds)
    func oneHolder(kind: Kind) async throws {
        try await withLocks(kind) { a, b in
            async let first = a.acquire("archive", ttl: .seconds(30))
            async let second = b.acquire("archive", ttl: .seconds(30))
            let leases = [try await first, try await second]
            #expect(leases.compactMap { $0 }.count == 1)
            let held = try #require(leases.compactMap { $0 }.first)
            let stranger = LockLease(name: "archive", token: "not-the-token")
            #expect(try await !b.renew(stranger, ttl: .seconds(30)))
            try await b.release(stranger)
            #expect(try await b.acquire("archive", ttl: .seconds(30)) == nil, "a stranger's release freed nothing")
            #expect(try await a.renew(held, ttl: .seconds(30)))
            try await a.release(held)
            #expect(try await b.acquire("archive", ttl: .seconds(30)) != nil)
        }
    }

    @Test("an expired lock can be taken by another, and the old holder cannot renew it", arguments: kinds)
    func expiry(kind: Kind) async throws {
        try await withLocks(kind) { a, b in
            let old = try #require(try await a.acquire("report", ttl: .milliseconds(100)))
            var taken: LockLease?
            _ = try await waitUntil(every: .milliseconds(20)) {
                taken = try await b.acquire("report", ttl: .seconds(30))
                return taken != nil
            }
            #expect(taken != nil)
            #expect(try await !a.renew(old, ttl: .seconds(30)))
        }
    }
}
