/// Writes messages with group commit: messages that arrive while a write is in flight
/// are written together in the next single store call (one SQLite transaction, one
/// MongoDB `insertMany`), and every caller returns only once its own message is stored.
///
/// One caller at a time leads: it writes its message plus whatever is waiting (up to
/// `maxBatch`), tells the others of that batch the outcome, and hands the lead to the
/// next waiter. A failed write fails exactly the messages it carried. No task is
/// spawned: the work runs on the callers' own tasks.
public actor GroupCommitWriter {
    private enum Turn {
        case done(Result<Message, any Error>)
        case lead
    }

    private let store: any MessageStore
    private let maxBatch: Int
    private var waiting: [(message: Message, continuation: CheckedContinuation<Turn, Never>)] = []
    private var leading = false
    /// Batches written so far and messages they carried (for metrics and tests).
    public private(set) var batchesWritten = 0
    public private(set) var messagesWritten = 0
    /// Callers waiting for the current write to finish.
    public var waitingCount: Int { waiting.count }

    public init(store: any MessageStore, maxBatch: Int = 256) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
    }

    /// Stores `message`; returns it as stored (with its sequence number) once durable.
    /// - Throws: the store's error when the batch carrying this message failed.
    public func write(_ message: Message) async throws -> Message {
        if leading {
            let turn = await withCheckedContinuation { continuation in
                waiting.append((message, continuation))
            }
            if case .done(let result) = turn { return try result.get() }
        }
        leading = true
        let followers = Array(waiting.prefix(maxBatch - 1))
        waiting.removeFirst(followers.count)
        let result: Result<[Message], any Error>
        do {
            let stored = try await store.insertMessages([message] + followers.map(\.message))
            result = .success(stored)
            batchesWritten += 1
            messagesWritten += stored.count
        } catch {
            result = .failure(error)
        }
        for (index, follower) in followers.enumerated() {
            follower.continuation.resume(returning: .done(result.map { $0[index + 1] }))
        }
        if waiting.isEmpty {
            leading = false
        } else {
            waiting.removeFirst().continuation.resume(returning: .lead)
        }
        return try result.get()[0]
    }
}
