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
                cache: RedisRecentCache(client: client, logger: Logger(label: "test")), revoked: RedisRevokedTokens(client: client),
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
        await f.cache.invalidate(room: room)
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
        var expired = false
        for _ in 0..<100 where !expired {
            try await Task.sleep(for: .milliseconds(50))
            expired = try await !f.revoked.isRevoked("a.b.short")
        }
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

    @Test("Redis down: the cache misses (never throws); revoked-token checks fail closed with a 503-class error")
    func down() async throws {
        let server = try await RedisTestServer()
        let client = try RedisClient(url: server.url, options: .init(connectTimeout: .milliseconds(200), commandTimeout: .milliseconds(300)))
        let cache = RedisRecentCache(client: client, logger: Logger(label: "test"))
        let revoked = RedisRevokedTokens(client: client)
        server.stop()
        let room = ObjectID()
        guard case .miss = await cache.lookup(room: room) else { Issue.record("expected a miss while Redis is down"); return }
        await cache.append(Message(roomID: room, roomName: "r", senderID: ObjectID(), senderName: "s", content: "x"))
        let error = await #expect(throws: ChatError.self) { try await revoked.isRevoked("a.b.c") }
        #expect(error?.kind == .backendUnavailable)
        await client.close()
    }
}
