import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import RedisKit
import Testing

/// The node registry's contract, on every registry a deployment can have: memory, the
/// SQLite store, the MongoDB store (stand-in) and Redis.
@Suite("node registry: memory, SQLite, MongoDB and Redis")
struct NodeRegistryContractTests {
    enum Kind: String, CaseIterable, Sendable { case memory, sqlite, mongodb, redis }

    static var kinds: [Kind] {
        Kind.allCases.filter { kind in
            switch kind {
            case .memory, .sqlite: true
            case .mongodb: MongoTestServer.shouldRun
            case .redis: RedisTestServer.shouldRun
            }
        }
    }

    /// A registry plus whatever keeps it alive.
    struct Fixture {
        var registry: any NodeRegistry
        var redis: RedisTestServer?
        var client: RedisClient?
        var store: (any ChatStore)?

        func tearDown() async {
            await client?.close()
            redis?.stop()
            await store?.close()
        }
    }

    static func fixture(_ kind: Kind) async throws -> Fixture {
        switch kind {
        case .memory:
            return Fixture(registry: MemoryNodeRegistry())
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-nodes-\(UUID().uuidString)/chat.sqlite").path
            let store = try await SQLiteChatStore.open(path: path)
            return Fixture(registry: store, store: store)
        case .mongodb:
            let store = try await TestStores.mongo(uri: try MongoTestServer.requireURI())
            return Fixture(registry: store, store: store)
        case .redis:
            let server = try await RedisTestServer()
            let client = try RedisClient(url: server.url)
            return Fixture(registry: RedisNodeRegistry(client: client), redis: server, client: client)
        }
    }

    static func record(_ id: String, connections: Int = 0, at now: Date = Date(), lifetime: TimeInterval = 15) -> NodeRecord {
        NodeRecord(
            id: id, roles: ["chat"], host: "box", pid: 4242, version: "0.1.0", startedAt: now.addingTimeInterval(-60),
            ports: ["chat": 8000], admin: NodeRecord.Address(host: "127.0.0.1", port: 9100), connections: connections, rooms: 1,
            refreshedAt: now, expiresAt: now.addingTimeInterval(lifetime))
    }

    @Test("a registered node is listed as written; a rewrite replaces it; deregister removes it", arguments: kinds)
    func registerReplaceRemove(kind: Kind) async throws {
        let f = try await Self.fixture(kind)
        let a = Self.record("box-1-aaaaaa"), b = Self.record("box-2-bbbbbb")
        try await f.registry.register(b)
        try await f.registry.register(a)
        #expect(try await f.registry.liveNodes(at: Date()) == [a, b], "by id")

        let rewritten = Self.record(a.id, connections: 7)
        try await f.registry.register(rewritten)
        #expect(try await f.registry.liveNodes(at: Date()) == [rewritten, b])

        try await f.registry.deregister(nodeID: a.id)
        #expect(try await f.registry.liveNodes(at: Date()) == [b])
        try await f.registry.deregister(nodeID: "box-9-never")
        #expect(try await f.registry.liveNodes(at: Date()) == [b])
        await f.tearDown()
    }

    @Test("a record past its expiry is not listed, and disappears by itself when nobody rewrites it", arguments: kinds)
    func expiry(kind: Kind) async throws {
        let f = try await Self.fixture(kind)
        let lasting = Self.record("box-1-lasting")
        let brief = Self.record("box-2-brief", lifetime: 0.5)
        try await f.registry.register(lasting)
        try await f.registry.register(brief)
        #expect(try await f.registry.liveNodes(at: brief.expiresAt).map(\.id) == [lasting.id], "expired at its expiry")
        #expect(try await waitUntil { try await f.registry.liveNodes(at: Date()).map(\.id) == [lasting.id] })
        // A later write forgets the expired record (SQLite and MongoDB delete it; Redis let it go).
        try await f.registry.register(Self.record("box-3-later"))
        #expect(try await f.registry.liveNodes(at: Date(timeIntervalSince1970: 0)).map(\.id) == [lasting.id, "box-3-later"])
        await f.tearDown()
    }
}
