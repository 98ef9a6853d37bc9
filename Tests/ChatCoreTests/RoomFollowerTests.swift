import ChatCore
import ChatInProcess
import Foundation
import Testing

/// The follower's cursor on its own: numbers, holes, Go-written messages by time.
@Suite("room follower: each message once, in the room's order")
struct RoomFollowerTests {
    static let sender = ObjectID()
    static let roomID = ObjectID()

    /// A message stored by chatctl (`seq`), `second`s into the test's minute.
    static func chatctl(_ sequence: Int64, at second: Double, _ content: String) -> Message {
        Message(
            roomID: roomID, roomName: "r", senderID: sender, senderName: "s", content: content,
            timestamp: date(second), sequence: sequence)
    }

    /// The test's minute, `second`s in.
    static func date(_ second: Double) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + second) }

    /// What one round of reads hands on (the follower moves on), by the clocks given.
    static func read(
        _ follower: inout RoomFollower, from store: any MessageStore, at now: ContinuousClock.Instant = .now, date: Date = Date()
    ) async throws -> [String] {
        try await follower.read(from: store, now: now, date: date).messages.map(\.content)
    }

    /// A message the Go service stored: no number.
    static func goWritten(at second: Double, _ content: String) -> Message {
        chatctl(0, at: second, content)
    }

    @Test("a fan-out message after a number not handed on yet has the store read first; late copies are dropped")
    func fanoutGap() async throws {
        let store = MemoryChatStore()
        let room = Room(name: "r")
        try await store.insertRoom(room)
        let posted = try await store.insertMessages(["a", "b", "c"].map {
            Message(roomID: room.id, roomName: room.name, senderID: Self.sender, senderName: "s", content: $0)
        })
        var follower = RoomFollower(roomID: room.id, afterRecent: [], gapGrace: .seconds(2))
        #expect(follower.accept(posted[0]) == .handOn(posted[0]))
        #expect(follower.accept(posted[2]) == .readStore)
        let caughtUp = try await Self.read(&follower, from: store)
        #expect(caughtUp == ["b", "c"])
        #expect(follower.accept(posted[1]) == .ignored)
        #expect(follower.accept(posted[2]) == .ignored)
        #expect(follower.accept(posted[0]) == .ignored)
        #expect(follower.sequence == 3)
        let again = try await Self.read(&follower, from: store)
        #expect(again.isEmpty)
        #expect(follower.accept(Message(roomID: ObjectID(), roomName: "other", senderID: Self.sender, senderName: "s", content: "x", sequence: 4)) == .ignored)
    }

    @Test("a hole in the numbers holds back what follows it for the grace, then is given up; one filled in time keeps the order")
    func holes() async throws {
        let store = MixedWriterStore()
        let one = Self.chatctl(1, at: 1, "one")
        for message in [one, Self.chatctl(3, at: 3, "three"), Self.chatctl(4, at: 4, "four")] { await store.add(message) }
        var follower = RoomFollower(after: one, gapGrace: .seconds(2))
        let t0 = ContinuousClock.now
        // The wall clock a moment after the messages: their holes are fresh.
        let soon = Self.date(7)
        var handed = try await Self.read(&follower, from: store, at: t0, date: soon)
        #expect(handed.isEmpty, "3 and 4 wait for 2")
        #expect(follower.isWaitingOnHole)
        // Another node's insert of 2 lands late, within the grace.
        await store.add(Self.chatctl(2, at: 2, "two"))
        handed = try await Self.read(&follower, from: store, at: t0 + .seconds(1), date: soon)
        #expect(handed == ["two", "three", "four"])
        #expect(!follower.isWaitingOnHole)

        // 5 never comes (its insert failed after the number was reserved).
        await store.add(Self.chatctl(6, at: 6, "six"))
        handed = try await Self.read(&follower, from: store, at: t0 + .seconds(2), date: soon)
        #expect(handed.isEmpty)
        handed = try await Self.read(&follower, from: store, at: t0 + .seconds(3), date: soon)
        #expect(handed.isEmpty, "the grace runs from when the hole was first seen")
        handed = try await Self.read(&follower, from: store, at: t0 + .seconds(4), date: soon)
        #expect(handed == ["six"])
        #expect(follower.sequence == 6 && !follower.isWaitingOnHole)
    }

    @Test("holes behind messages stored long ago (deleted, archived) are stepped over at once")
    func settledHoles() async throws {
        let store = MixedWriterStore()
        let one = Self.chatctl(1, at: 1, "one")
        for message in [one, Self.chatctl(3, at: 3, "three"), Self.chatctl(7, at: 7, "seven"), Self.chatctl(8, at: 8, "eight")] {
            await store.add(message)
        }
        var follower = RoomFollower(after: one, gapGrace: .seconds(2))
        let handed = try await Self.read(&follower, from: store, date: Self.date(60))
        #expect(handed == ["three", "seven", "eight"])
        #expect(!follower.isWaitingOnHole && follower.sequence == 8)
    }

    @Test("Go-written messages (no seq) are handed on by time, merged with chatctl's by number, each once")
    func goWrittenInterleaved() async throws {
        let store = MixedWriterStore()
        for message in [Self.chatctl(1, at: 1, "c1"), Self.goWritten(at: 2, "g1"), Self.chatctl(2, at: 3, "c2")] { await store.add(message) }
        let recent = try await store.recentMessages(inRoom: Self.roomID, limit: 10)
        var follower = RoomFollower(roomID: Self.roomID, afterRecent: recent, gapGrace: .seconds(2))
        #expect(follower.sequence == 2)
        for message in [Self.goWritten(at: 4, "g2"), Self.chatctl(3, at: 5, "c3"), Self.chatctl(4, at: 5.5, "c4"), Self.goWritten(at: 6, "g3")] {
            await store.add(message)
        }
        var handed = try await Self.read(&follower, from: store)
        #expect(handed == ["g2", "c3", "c4", "g3"])
        handed = try await Self.read(&follower, from: store)
        #expect(handed.isEmpty, "none twice")
        // A chatctl node whose clock runs behind: its number still places it after what came before.
        await store.add(Self.chatctl(5, at: 4.5, "c5"))
        handed = try await Self.read(&follower, from: store)
        #expect(handed == ["c5"])
        handed = try await Self.read(&follower, from: store)
        #expect(handed.isEmpty)
    }

    @Test("a follower that begins at a Go-written message reads by time until it has handed on a numbered one")
    func startAtGoWritten() async throws {
        let store = MixedWriterStore()
        let g1 = Self.goWritten(at: 2, "g1")
        for message in [Self.chatctl(1, at: 1, "c1"), g1, Self.chatctl(2, at: 3, "c2")] { await store.add(message) }
        var follower = RoomFollower(after: g1, gapGrace: .seconds(2))
        #expect(follower.sequence == nil)
        var handed = try await Self.read(&follower, from: store)
        #expect(handed == ["c2"], "c1 came before g1")
        #expect(follower.sequence == 2)
        // From now on chatctl's messages by number, whatever their time.
        await store.add(Self.chatctl(3, at: 2.5, "c3"))
        await store.add(Self.goWritten(at: 4, "g2"))
        handed = try await Self.read(&follower, from: store)
        #expect(handed == ["c3", "g2"])
        handed = try await Self.read(&follower, from: store)
        #expect(handed.isEmpty)
    }

    @Test("more than a batch is read round after round, in order")
    func manyRounds() async throws {
        let store = MemoryChatStore()
        let room = Room(name: "r")
        try await store.insertRoom(room)
        var follower = RoomFollower(roomID: room.id, afterRecent: [], gapGrace: .seconds(2))
        let count = RoomFollower.batchLimit + 20
        let posted = try await store.insertMessages((0..<count).map {
            Message(roomID: room.id, roomName: room.name, senderID: Self.sender, senderName: "s", content: "m\($0)")
        })
        let first = try await follower.read(from: store, now: .now)
        #expect(first.messages.count == RoomFollower.batchLimit && first.more)
        let second = try await follower.read(from: store, now: .now)
        #expect(second.messages.count == 20 && !second.more)
        #expect((first.messages + second.messages).map(\.id) == posted.map(\.id))
    }
}
