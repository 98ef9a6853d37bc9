import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// A room's sequence counter only moves forward: a number given out is never given again,
/// whatever happens to the message that had it. With Redis fan-out every chat node's
/// `RoomSequencer` has delivered that number and would drop a second message carrying it
/// as a repeat, so no socket would get it live and a tail would never print it.
@Suite("store contract: a room's sequence counter only moves forward")
struct SequenceCounterContractTests {
    typealias Kind = TestStores.Kind

    let sender = ObjectID()

    func message(_ content: String, in room: Room, sequence: Int64 = 0) -> Message {
        Message(roomID: room.id, roomName: room.name, senderID: sender, senderName: "s", content: content, sequence: sequence)
    }

    /// A fresh store with one room.
    func seeded(_ kind: Kind) async throws -> (any ChatStore, Room) {
        let store = try await TestStores.make(kind)
        let room = Room(name: "counted")
        try await store.insertRoom(room)
        return (store, room)
    }

    /// The room's counter as `db copy` reads it.
    static func counter(of room: Room, in store: any ChatStore) async throws -> Int64? {
        let transfer = try #require(store as? any StoreTransfer, "\(store.displayName) is no StoreTransfer")
        guard case .rooms(let records) = try await transfer.records(of: .rooms, keys: [room.id.hex]) else { return nil }
        return records.first?.lastSequence
    }

    @Test("the room's newest message deleted: the next post takes a new number, not the deleted one's; a batch after two deleted too", arguments: TestStores.kinds)
    func deletedNewest(kind: Kind) async throws {
        let (store, room) = try await seeded(kind)
        var posted: [Message] = []
        for content in ["one", "two", "three"] { posted.append(try await store.insertMessage(message(content, in: room))) }
        #expect(posted.map(\.sequence) == [1, 2, 3])
        #expect(try await store.deleteMessages(ids: [posted[2].id]) == 1)
        let next = try await store.insertMessage(message("four", in: room))
        #expect(next.sequence == 4, "3 was delivered already: a repeat of it is dropped by every node")

        #expect(try await store.deleteMessages(ids: [next.id, posted[1].id]) == 2)
        let batch = try await store.insertMessages([message("five", in: room), message("six", in: room)])
        #expect(batch.map(\.sequence) == [5, 6])
        let resumed = try await store.messages(inRoom: room.id, afterSequence: posted[0].sequence, limit: 10)
        #expect(resumed.map(\.content) == ["five", "six"])
        #expect(try await Self.counter(of: room, in: store) == 6)
        await store.close()
    }

    @Test("every message archived, then the archive expired: posts go on after the last number each time", arguments: TestStores.kinds)
    func archivedAndExpired(kind: Kind) async throws {
        let (store, room) = try await seeded(kind)
        let first = try await store.insertMessages([message("a", in: room), message("b", in: room), message("c", in: room)])
        try await store.copyToArchive(first)
        #expect(try await store.deleteMessages(ids: first.map(\.id)) == 3)
        let afterArchive = try await store.insertMessage(message("after the archive", in: room))
        #expect(afterArchive.sequence == 4)

        try await store.copyToArchive([afterArchive])
        _ = try await store.deleteMessages(ids: [afterArchive.id])
        #expect(try await store.deleteArchived(ids: (first + [afterArchive]).map(\.id)) == 4)
        #expect(try await store.messageCounts(room: room.id) == (0, 0), "nothing of the room is left")
        let afterExpiry = try await store.insertMessage(message("after the retention", in: room))
        #expect(afterExpiry.sequence == 5)
        await store.close()
    }

    @Test("an import keeping a number past the counter raises it; one below it (a free number) lowers nothing; unnumbered ones take the counter's next", arguments: TestStores.kinds)
    func imports(kind: Kind) async throws {
        let (store, room) = try await seeded(kind)
        let posted = try await store.insertMessages([message("one", in: room), message("two", in: room), message("three", in: room)])
        _ = try await store.deleteMessages(ids: [posted[2].id])

        let high = message("kept high", in: room, sequence: 10)
        #expect(try await store.importMessages([high]) == 1)
        #expect(try await store.insertMessage(message("after the import", in: room)).sequence == 11)

        let low = message("kept low", in: room, sequence: 3)
        let unnumbered = message("unnumbered", in: room)
        #expect(try await store.importMessages([low, unnumbered]) == 2)
        #expect(try await store.locateMessage(id: low.id)?.message.sequence == 3, "3 is free in the room: it is kept")
        #expect(try await store.locateMessage(id: unnumbered.id)?.message.sequence == 12)
        #expect(try await store.insertMessage(message("last", in: room)).sequence == 13)
        #expect(try await Self.counter(of: room, in: store) == 13)
        await store.close()
    }

    @Test("db copy: copied messages (live or archived) and a room's record raise its counter; a record behind it lowers nothing", arguments: TestStores.kinds)
    func copies(kind: Kind) async throws {
        let (store, room) = try await seeded(kind)
        let transfer = try #require(store as? any StoreTransfer)
        _ = try await store.insertMessages([message("one", in: room), message("two", in: room)])

        try await transfer.upsert(.messages([message("copied", in: room, sequence: 20)]))
        #expect(try await store.insertMessage(message("after copied messages", in: room)).sequence == 21)
        try await transfer.upsert(.archivedMessages([message("copied archived", in: room, sequence: 30)]))
        #expect(try await store.insertMessage(message("after copied archive", in: room)).sequence == 31)

        try await transfer.upsert(.rooms([RoomRecord(room: room, lastSequence: 40)]))
        #expect(try await Self.counter(of: room, in: store) == 40)
        #expect(try await store.insertMessage(message("after the room's record", in: room)).sequence == 41)
        try await transfer.upsert(.rooms([RoomRecord(room: room, lastSequence: 5)]))
        #expect(try await Self.counter(of: room, in: store) == 41)
        #expect(try await store.insertMessage(message("after an older record", in: room)).sequence == 42)
        await store.close()
    }
}
