import ChatInProcess
import ChatCore
import Foundation
import Testing

@Suite("recent-message cache")
struct RecentCacheTests {
    func message(_ content: String, room: ObjectID) -> Message {
        Message(roomID: room, roomName: "r", senderID: ObjectID(), senderName: "s", content: content)
    }

    @Test("a fill after a miss is kept; appends go to the front, trimmed to capacity")
    func fillAndAppend() async {
        let cache = MemoryRecentCache(capacity: 3)
        let room = ObjectID()
        guard case .miss(let token) = await cache.lookup(room: room) else { Issue.record("expected a miss"); return }
        await cache.fill(room: room, messages: [message("b", room: room), message("a", room: room)], fillToken: token)
        await cache.append(message("c", room: room))
        await cache.append(message("d", room: room))
        guard case .hit(let messages) = await cache.lookup(room: room) else { Issue.record("expected a hit"); return }
        #expect(messages.map(\.content) == ["d", "c", "b"])
    }

    @Test("a fill racing with a newer append is dropped instead of caching a stale list")
    func staleFillDropped() async {
        let cache = MemoryRecentCache()
        let room = ObjectID()
        guard case .miss(let token) = await cache.lookup(room: room) else { Issue.record("expected a miss"); return }
        await cache.append(message("posted meanwhile", room: room))
        await cache.fill(room: room, messages: [], fillToken: token)
        #expect(await cache.lookup(room: room) != .hit([]))
    }

    @Test("the join path reads through the cache and sees posts made after the fill")
    func readThrough() async throws {
        let t = await TestPorts()
        let user = try await t.user("leo")
        let room = try await CreateRoom(ports: t.ports)(name: "room", creator: user)
        _ = try await PostMessage(ports: t.ports)(content: "one", from: user, in: room)
        #expect(try await RecentMessages(ports: t.ports)(room: room.id).map(\.content) == ["one"])
        _ = try await PostMessage(ports: t.ports)(content: "two", from: user, in: room)
        #expect(try await RecentMessages(ports: t.ports)(room: room.id).map(\.content) == ["two", "one"])
        await t.ports.cache.invalidate(room: room.id, name: room.name)
        #expect(try await RecentMessages(ports: t.ports)(room: room.id).map(\.content) == ["two", "one"])
    }
}
