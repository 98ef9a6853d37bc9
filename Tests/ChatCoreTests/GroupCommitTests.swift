import ChatInProcess
import ChatCore
import InProcessTestSupport
import Foundation
import Synchronization
import Testing

/// A message store whose first write waits at a gate the test opens, and which can
/// fail chosen writes; it records the size of every batch.
actor GatedStore: MessageStore {
    private let base = MemoryChatStore()
    private var gate: CheckedContinuation<Void, Never>?
    private var gateOpen = false
    private var calls = 0
    private let failingCalls: Set<Int>
    private(set) var batchSizes: [Int] = []

    init(failingCalls: Set<Int> = []) { self.failingCalls = failingCalls }

    func open() {
        gateOpen = true
        gate?.resume()
        gate = nil
    }

    func insertMessages(_ messages: [Message]) async throws -> [Message] {
        calls += 1
        let call = calls
        if !gateOpen { await withCheckedContinuation { gate = $0 } }
        batchSizes.append(messages.count)
        if failingCalls.contains(call) { throw ChatError.backend("the store", detail: "write \(call) failed") }
        return try await base.insertMessages(messages)
    }

    func messages(inRoom roomID: ObjectID, afterSequence sequence: Int64, limit: Int) async throws -> [Message] {
        try await base.messages(inRoom: roomID, afterSequence: sequence, limit: limit)
    }

    func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message] {
        try await base.recentMessages(inRoom: roomID, limit: limit)
    }

    func newestMessageID(inRoom roomID: ObjectID) async throws -> ObjectID? { try await base.newestMessageID(inRoom: roomID) }

    func messages(inRoom roomID: ObjectID, after last: Message, limit: Int) async throws -> [Message] {
        try await base.messages(inRoom: roomID, after: last, limit: limit)
    }

    func message(id: ObjectID, inRoom roomID: ObjectID) async throws -> Message? {
        try await base.message(id: id, inRoom: roomID)
    }
}

@Suite("group commit")
struct GroupCommitTests {
    let room = ObjectID()

    func message(_ index: Int) -> Message {
        Message(roomID: room, roomName: "r", senderID: ObjectID(), senderName: "s", content: "m\(index)")
    }

    /// Starts `count` writes at once, lets the first one block in the store until all
    /// others wait, then opens the gate; returns which writes succeeded.
    func writeConcurrently(_ count: Int, store: GatedStore) async throws -> (writer: GroupCommitWriter, succeeded: [Bool]) {
        let writer = GroupCommitWriter(store: store)
        let messages = (0..<count).map(message)
        return try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for (index, message) in messages.enumerated() {
                group.addTask { ((try? await writer.write(message)) != nil ? (index, true) : (index, false)) }
            }
            let deadline = ContinuousClock.now + .seconds(Patience.seconds)
            while await writer.waitingCount < count - 1 {
                guard ContinuousClock.now < deadline else { throw ChatError(.internalError, message: "writers never queued") }
                try await Task.sleep(for: .milliseconds(5))
            }
            await store.open()
            var succeeded = Array(repeating: false, count: count)
            for try await (index, ok) in group { succeeded[index] = ok }
            return (writer, succeeded)
        }
    }

    @Test("messages arriving during a write go together in the next single write")
    func batches() async throws {
        let store = GatedStore()
        let (writer, succeeded) = try await writeConcurrently(50, store: store)
        #expect(succeeded.allSatisfy { $0 })
        #expect(await store.batchSizes == [1, 49])
        #expect(await writer.messagesWritten == 50)
        #expect(try await store.recentMessages(inRoom: room, limit: 100).count == 50)
    }

    @Test("a failed write fails exactly the messages it carried")
    func failureIsScoped() async throws {
        let store = GatedStore(failingCalls: [2])
        let (_, succeeded) = try await writeConcurrently(20, store: store)
        #expect(await store.batchSizes == [1, 19])
        #expect(succeeded.filter { $0 }.count == 1)
        #expect(try await store.recentMessages(inRoom: room, limit: 100).count == 1)
    }

    @Test("batches never exceed maxBatch")
    func maxBatch() async throws {
        let store = GatedStore()
        let writer = GroupCommitWriter(store: store, maxBatch: 8)
        await store.open()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 { group.addTask { _ = try await writer.write(message(index)) } }
            try await group.waitForAll()
        }
        #expect(await store.batchSizes.allSatisfy { $0 <= 8 })
        #expect(await store.batchSizes.reduce(0, +) == 100)
    }
}
