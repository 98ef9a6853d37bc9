import ChatInProcess
import ChatCore
import Testing

@Suite("room sequencer: once, in order, gaps filled from the store")
struct RoomSequencerTests {
    func stored(_ count: Int) async throws -> (MemoryChatStore, [Message]) {
        let store = MemoryChatStore()
        let room = ObjectID()
        let messages = try await store.insertMessages((0..<count).map {
            Message(roomID: room, roomName: "r", senderID: ObjectID(), senderName: "s", content: "m\($0)")
        })
        return (store, messages)
    }

    @Test("in order passes through; a repeat is dropped")
    func inOrder() async throws {
        let (store, messages) = try await stored(3)
        let sequencer = RoomSequencer(store: store)
        #expect(await sequencer.accept(messages[0]) == [messages[0]])
        #expect(await sequencer.accept(messages[1]) == [messages[1]])
        #expect(await sequencer.accept(messages[1]).isEmpty)
        #expect(await sequencer.accept(messages[0]).isEmpty)
        #expect(await sequencer.accept(messages[2]) == [messages[2]])
    }

    @Test("a jump brings the missing messages from the store first; late copies are dropped")
    func gap() async throws {
        let (store, messages) = try await stored(6)
        let sequencer = RoomSequencer(store: store)
        _ = await sequencer.accept(messages[0])
        #expect(await sequencer.accept(messages[4]) == Array(messages[1...4]))
        #expect(await sequencer.accept(messages[2]).isEmpty)
        #expect(await sequencer.accept(messages[5]) == [messages[5]])
        #expect(await sequencer.repairedCount == 3)
    }

    @Test("catch-up after a resubscription delivers everything stored since, once")
    func catchUp() async throws {
        let (store, messages) = try await stored(5)
        let sequencer = RoomSequencer(store: store)
        _ = await sequencer.accept(messages[0])
        #expect(await sequencer.catchUp() == Array(messages[1...]))
        #expect(await sequencer.catchUp().isEmpty)
        #expect(await sequencer.accept(messages[3]).isEmpty)
    }
}
