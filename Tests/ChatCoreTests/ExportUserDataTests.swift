import ChatInProcess
import ChatCore
import Foundation
import Testing

@Suite("exporting one user's data")
struct ExportUserDataTests {
    /// What the writer was handed, chunk by chunk.
    final class Chunks {
        var parts: [Data] = []
        var document: Data { parts.reduce(into: Data()) { $0.append($1) } }
    }

    struct Seeded {
        var alice: User
        var bob: User
        var rooms: [Room]
        /// Alice's, oldest first: seven in the rooms' history (three share a millisecond), the
        /// first three of them copied to the archive, the first two then deleted from the history.
        var sent: [Message]
        var base: Date
    }

    /// Alice in `lobby` (a moderator there) and `side`, bob in `lobby`; alice's messages,
    /// bob's notifications of them, alice's notifications (five in one millisecond), a ban
    /// and a mute of alice.
    static func seeded(_ t: TestPorts) async throws -> Seeded {
        let store = t.ports.store
        let alice = try await t.user("alice"), bob = try await t.user("bob")
        var lobby = Room(name: "lobby", members: [alice.id, bob.id])
        lobby.rules.moderators = [alice.id]
        let rooms = [lobby, Room(name: "side", members: [alice.id]), Room(name: "elsewhere", members: [bob.id])]
        for room in rooms { try await store.insertRoom(room) }
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let offsets: [Double] = [0, 1, 2, 3, 3, 3, 4]
        var sent: [Message] = []
        for (index, offset) in offsets.enumerated() {
            let room = rooms[index % 2]
            sent.append(try await store.insertMessage(Message(
                roomID: room.id, roomName: room.name, senderID: alice.id, senderName: alice.username, content: "said \(index), \"quoted\"",
                timestamp: base.addingTimeInterval(offset))))
        }
        sent.sort { MessagePosition($0) < MessagePosition($1) }
        try await store.copyToArchive(Array(sent.prefix(3)))
        _ = try await store.deleteMessages(ids: sent.prefix(2).map(\.id))
        let notes = (0..<8).map { index in
            ChatNotification(
                content: "to alice \(index)", senderID: bob.id, roomID: lobby.id, receiverID: alice.id,
                timestamp: base.addingTimeInterval(index < 5 ? 10 : Double(index)))
        }
        try await store.insertNotifications(notes)
        try await store.insertNotifications([ChatNotification(content: "to bob", senderID: alice.id, roomID: lobby.id, receiverID: bob.id)])
        _ = try await store.setBan(Ban(at: base, until: base.addingTimeInterval(3600), reason: "spam", by: "root@ops1"), forUser: alice.id)
        try await store.muteUser(RoomMute(roomID: rooms[1].id, userID: alice.id, reason: "quiet", by: "root@ops1"))
        let banned = try #require(try await store.user(id: alice.id))
        return Seeded(alice: banned, bob: bob, rooms: rooms, sent: sent, base: base)
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not a JSON object: \(String(decoding: data, as: UTF8.self))")
    }

    @Test("one JSON document with every section, page by page (ties in a millisecond paged once each), never the password hash; counts per section")
    func everySection() async throws {
        let t = await TestPorts()
        let s = try await Self.seeded(t)
        let chunks = Chunks()
        let now = s.base.addingTimeInterval(60)
        let counts = try await ExportUserData(store: t.ports.store)(s.alice, pageSize: 2, now: now, write: { chunks.parts.append($0) })
        #expect(counts == ExportUserData.Counts(rooms: 2, messages: 5, archivedMessages: 3, notifications: 8, bans: 1, mutes: 1))
        #expect(chunks.parts.count > 8, "written a page at a time: \(chunks.parts.count) writes")

        let text = String(decoding: chunks.document, as: UTF8.self)
        #expect(!text.contains(s.alice.passwordHash) && !text.contains("password"), "no hash: \(text)")
        let document = try Self.object(chunks.document)
        #expect(document["format"] as? String == "chatctl-user-export" && document["version"] as? Int == 1)
        #expect(document["exported_at"] as? String == RFC3339.string(from: now))
        let profile = try #require(document["profile"] as? [String: Any])
        #expect(profile["id"] as? String == s.alice.id.hex && profile["username"] as? String == "alice" && profile["email"] as? String == "alice@example.com")
        #expect(Set(profile.keys) == ["id", "username", "email", "created_at", "disabled"])

        let rooms = try #require(document["rooms"] as? [[String: Any]])
        #expect(rooms.map { $0["room"] as? String } == ["lobby", "side"])
        #expect(rooms.map { $0["moderator"] as? Bool } == [true, false])

        let live = try #require(document["messages"] as? [[String: Any]])
        #expect(live.compactMap { $0["id"] as? String } == s.sent.dropFirst(2).map(\.id.hex), "oldest first, each once across pages")
        #expect(live.compactMap { $0["seq"] as? Int } == s.sent.dropFirst(2).map { Int($0.sequence) })
        #expect(live.first?["content"] as? String == s.sent[2].content && live.first?["room"] as? String == s.sent[2].roomName)
        #expect(live.first?["timestamp"] as? String == RFC3339.string(from: s.sent[2].timestamp))
        let archived = try #require(document["archived_messages"] as? [[String: Any]])
        #expect(archived.compactMap { $0["id"] as? String } == s.sent.prefix(3).map(\.id.hex), "the archive too (the third is in both)")

        let notifications = try #require(document["notifications"] as? [[String: Any]])
        let contents = notifications.compactMap { $0["content"] as? String }
        #expect(contents.count == 8 && Set(contents) == Set((0..<8).map { "to alice \($0)" }), "five in one millisecond, across pages, each once")
        #expect(contents.prefix(5).allSatisfy { ["to alice 0", "to alice 1", "to alice 2", "to alice 3", "to alice 4"].contains($0) }, "newest first")
        #expect(!contents.contains("to bob"))

        let ban = try #require(document["ban"] as? [String: Any])
        #expect(ban["reason"] as? String == "spam" && ban["active"] as? Bool == true && ban["by"] == nil)
        let mutes = try #require(document["mutes"] as? [[String: Any]])
        #expect(mutes.count == 1 && mutes.first?["room"] as? String == "side" && mutes.first?["reason"] == nil)
    }

    @Test("a user with nothing: empty sections, a null ban")
    func empty() async throws {
        let t = await TestPorts()
        let carol = try await t.user("carol")
        let chunks = Chunks()
        let counts = try await ExportUserData(store: t.ports.store)(carol, write: { chunks.parts.append($0) })
        #expect(counts == ExportUserData.Counts())
        let document = try Self.object(chunks.document)
        #expect((document["rooms"] as? [Any])?.isEmpty == true && (document["messages"] as? [Any])?.isEmpty == true)
        #expect((document["archived_messages"] as? [Any])?.isEmpty == true && (document["notifications"] as? [Any])?.isEmpty == true)
        #expect(document["ban"] is NSNull && (document["mutes"] as? [Any])?.isEmpty == true)
    }

    @Test("a failing writer stops the export with its error")
    func failingWriter() async throws {
        let t = await TestPorts()
        let s = try await Self.seeded(t)
        struct Full: Error {}
        await #expect(throws: Full.self) {
            _ = try await ExportUserData(store: t.ports.store)(s.alice, write: { _ in throw Full() })
        }
    }
}
