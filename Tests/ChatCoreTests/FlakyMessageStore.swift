import ChatCore
import ChatInProcess
import Synchronization

/// A memory store's messages whose reads fail while `failing` is on (and are counted
/// then); writes always work.
final class FlakyMessageStore: MessageStore {
    let base: MemoryChatStore
    private let state = Mutex((failing: false, failedReads: 0))

    init(base: MemoryChatStore) { self.base = base }

    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    /// Reads refused so far.
    var failedReads: Int { state.withLock { $0.failedReads } }

    private func check() throws {
        let failing = state.withLock { state -> Bool in
            if state.failing { state.failedReads += 1 }
            return state.failing
        }
        if failing { throw ChatError.backend("the database", detail: "unreachable (test)") }
    }

    func insertMessages(_ messages: [Message]) async throws -> [Message] { try await base.insertMessages(messages) }

    func message(id: ObjectID, inRoom roomID: ObjectID) async throws -> Message? {
        try check()
        return try await base.message(id: id, inRoom: roomID)
    }

    func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message] {
        try check()
        return try await base.recentMessages(inRoom: roomID, limit: limit)
    }

    func newestMessageID(inRoom roomID: ObjectID) async throws -> ObjectID? {
        try check()
        return try await base.newestMessageID(inRoom: roomID)
    }

    func messages(inRoom roomID: ObjectID, afterSequence sequence: Int64, limit: Int) async throws -> [Message] {
        try check()
        return try await base.messages(inRoom: roomID, afterSequence: sequence, limit: limit)
    }

    func messages(inRoom roomID: ObjectID, after last: Message, limit: Int) async throws -> [Message] {
        try check()
        return try await base.messages(inRoom: roomID, after: last, limit: limit)
    }
}
