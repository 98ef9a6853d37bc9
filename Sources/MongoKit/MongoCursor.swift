import BlockingGuard
import CMongoC
import NIOPosix

/// The results of a `find`, streamed: documents arrive as the server sends batches
/// (getMore), `chunkSize` of them per hop to the client's thread pool.
///
/// The cursor holds one pooled connection until it is exhausted (then it is returned
/// at once, on the thread pool) or released. Abandoning a cursor early returns the
/// connection from `deinit`, which may block briefly to tell the server (killCursors).
public struct MongoCursor: AsyncSequence, Sendable {
    public typealias Element = BSONDocument

    let handle: CursorHandle
    let threadPool: NIOThreadPool
    let chunkSize: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let cursor: MongoCursor
        var buffer: [BSONDocument] = []
        var position = 0
        var finished = false

        public mutating func next() async throws -> BSONDocument? {
            if position < buffer.count {
                defer { position += 1 }
                return buffer[position]
            }
            guard !finished else { return nil }
            let handle = cursor.handle, chunkSize = cursor.chunkSize
            let (documents, exhausted) = try await cursor.threadPool.runIfActive { try handle.nextChunk(chunkSize) }
            buffer = documents
            position = 0
            finished = exhausted
            guard !buffer.isEmpty else { return nil }
            position = 1
            return buffer[0]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(cursor: self) }
}

/// Owns a libmongoc cursor and the pooled client it runs on.
///
/// `@unchecked Sendable`: the pointers are used by one iterator at a time, each use
/// on the client's thread pool; libmongoc allows a client to move between threads as
/// long as it is not used concurrently. Released exactly once (`release`).
final class CursorHandle: @unchecked Sendable {
    private let pool: OpaquePointer
    private var client: OpaquePointer?
    private var collection: OpaquePointer?
    private var cursor: OpaquePointer?
    private let uri: String

    init(pool: OpaquePointer, client: OpaquePointer, collection: OpaquePointer, cursor: OpaquePointer, uri: String) {
        self.pool = pool
        self.client = client
        self.collection = collection
        self.cursor = cursor
        self.uri = uri
    }

    /// Up to `count` documents, and whether the cursor is now exhausted (then released).
    func nextChunk(_ count: Int) throws -> ([BSONDocument], Bool) {
        BlockingCallGuard.assertNotOnEventLoop("a libmongoc getMore")
        guard let cursor else { return ([], true) }
        var documents: [BSONDocument] = []
        var current: OpaquePointer?
        while documents.count < count {
            guard mongoc_cursor_next(cursor, &current) else {
                var error = bson_error_t()
                let failed = mongoc_cursor_error(cursor, &error)
                release()
                if failed { throw MongoError(error, redacting: uri) }
                return (documents, true)
            }
            if let current { documents.append(try BSONDocument(cDocument: current)) }
        }
        return (documents, false)
    }

    /// Destroys the cursor and collection and returns the client to the pool.
    func release() {
        if let cursor { mongoc_cursor_destroy(cursor) }
        if let collection { mongoc_collection_destroy(collection) }
        if let client { mongoc_client_pool_push(pool, client) }
        cursor = nil
        collection = nil
        client = nil
    }

    deinit { release() }
}
