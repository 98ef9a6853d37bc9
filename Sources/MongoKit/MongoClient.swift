import BlockingGuard
import CMongoC
import Foundation
import NIOPosix
import Synchronization

/// A MongoDB client over a `mongoc_client_pool_t`. Every blocking libmongoc call runs
/// on the client's own thread pool (one thread per pooled connection), never on an
/// event loop or Swift's cooperative pool.
///
/// Timeouts are set at the C level from `MongoClient.Options` unless the URI names
/// them, so a dead server fails a call in bounded time.
public final class MongoClient: Sendable {
    /// Connection-pool size and C-level timeouts.
    public struct Options: Sendable {
        public var poolSize: Int
        public var serverSelectionTimeout: Duration
        public var connectTimeout: Duration
        public var socketTimeout: Duration
        public var appName: String

        public init(
            poolSize: Int = 8, serverSelectionTimeout: Duration = .seconds(5), connectTimeout: Duration = .seconds(5),
            socketTimeout: Duration = .seconds(30), appName: String = "chatctl"
        ) {
            self.poolSize = poolSize
            self.serverSelectionTimeout = serverSelectionTimeout
            self.connectTimeout = connectTimeout
            self.socketTimeout = socketTimeout
            self.appName = appName
        }
    }

    /// The URI, for messages (always use `uri.redacted` when showing it).
    public let uri: MongoURI
    private let pool: PoolHandle
    private let threadPool: NIOThreadPool
    private let isClosed = Atomic<Bool>(false)

    /// Owns the C pool. `@unchecked Sendable`: `mongoc_client_pool_t` is documented
    /// thread-safe (pop/push from any thread); it is destroyed once, in `deinit`,
    /// after the thread pool has stopped.
    private final class PoolHandle: @unchecked Sendable {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { mongoc_client_pool_destroy(pointer) }
    }

    /// Makes the pool (no I/O yet: libmongoc connects on first use).
    /// - Throws: `MongoError.invalidURI`.
    public init(uri text: String, options: Options = Options()) throws {
        MongoClient.initializeDriver
        let uri = try MongoURI(text)
        var error = bson_error_t()
        guard let cURI = mongoc_uri_new_with_error(text, &error) else { throw MongoError(error, redacting: text) }
        defer { mongoc_uri_destroy(cURI) }
        func setDefault(_ option: String, _ duration: Duration) {
            let ms = Int32(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
            if mongoc_uri_get_option_as_int32(cURI, option, -1) == -1 {
                mongoc_uri_set_option_as_int32(cURI, option, ms)
            }
        }
        setDefault("serverselectiontimeoutms", options.serverSelectionTimeout)
        setDefault("connecttimeoutms", options.connectTimeout)
        setDefault("sockettimeoutms", options.socketTimeout)
        // Retry server selection until the timeout instead of failing at once.
        mongoc_uri_set_option_as_bool(cURI, "serverselectiontryonce", false)
        if mongoc_uri_get_appname(cURI) == nil { mongoc_uri_set_appname(cURI, options.appName) }
        guard let pool = mongoc_client_pool_new(cURI) else {
            throw MongoError(.invalidURI, message: "libmongoc refused the URI \(uri.redacted)")
        }
        mongoc_client_pool_set_error_api(pool, Int32(MONGOC_ERROR_API_VERSION_2))
        mongoc_client_pool_max_size(pool, UInt32(max(1, options.poolSize)))
        self.pool = PoolHandle(pool)
        self.uri = uri
        self.threadPool = NIOThreadPool(numberOfThreads: max(1, options.poolSize))
        self.threadPool.start()
    }

    /// `mongoc_init` once, and libmongoc's own log (which prints DEBUG lines to stderr
    /// by default) cut down to warnings and worse, one line each on stderr.
    private static let initializeDriver: Void = {
        mongoc_init()
        mongoc_log_set_handler({ level, domain, message, _ in
            guard level.rawValue <= MONGOC_LOG_LEVEL_WARNING.rawValue, let message else { return }
            let domainText = domain.map { String(cString: $0) } ?? "mongoc"
            FileHandle.standardError.write(Data("libmongoc \(domainText): \(String(cString: message))\n".utf8))
        }, nil)
    }()

    /// Stops the thread pool; calls after this throw `MongoError.closed`.
    public func close() async {
        guard !isClosed.exchange(true, ordering: .relaxed) else { return }
        try? await threadPool.shutdownGracefully()
    }

    /// Runs `body` with a pooled `mongoc_client_t` on the client's thread pool.
    func withClient<R: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws -> R) async throws -> R {
        guard !isClosed.load(ordering: .relaxed) else { throw MongoError(.closed, message: "the MongoDB client is closed") }
        let pool = self.pool
        do {
            return try await threadPool.runIfActive {
                BlockingCallGuard.assertNotOnEventLoop("a libmongoc call")
                let client = mongoc_client_pool_pop(pool.pointer)!
                defer { mongoc_client_pool_push(pool.pointer, client) }
                return try body(client)
            }
        } catch let error as MongoError {
            throw error
        } catch {
            throw MongoError(.closed, message: "the MongoDB client is closed")
        }
    }

    /// Opens a cursor on the thread pool; the pooled client stays with the cursor.
    func openCursor(
        _ open: @escaping @Sendable (OpaquePointer) throws -> (collection: OpaquePointer, cursor: OpaquePointer),
        chunkSize: Int
    ) async throws -> MongoCursor {
        guard !isClosed.load(ordering: .relaxed) else { throw MongoError(.closed, message: "the MongoDB client is closed") }
        let pool = self.pool, uriText = uri.string
        let handle = try await threadPool.runIfActive { () throws -> CursorHandle in
            BlockingCallGuard.assertNotOnEventLoop("opening a libmongoc cursor")
            let client = mongoc_client_pool_pop(pool.pointer)!
            do {
                let (collection, cursor) = try open(client)
                return CursorHandle(pool: pool.pointer, client: client, collection: collection, cursor: cursor, uri: uriText)
            } catch {
                mongoc_client_pool_push(pool.pointer, client)
                throw error
            }
        }
        return MongoCursor(handle: handle, threadPool: threadPool, chunkSize: max(1, chunkSize))
    }

    /// A collection handle (no I/O).
    public func collection(_ name: String, database: String) -> MongoCollection {
        MongoCollection(client: self, database: database, name: name)
    }

    /// Runs a command against `database` and returns the server's reply.
    public func runCommand(_ command: BSONDocument, database: String) async throws -> BSONDocument {
        let uriText = uri.string
        return try await withClient { client in
            try command.withCDocument { cCommand in
                let reply = CReplyDocument()
                defer { reply.release() }
                var error = bson_error_t()
                guard mongoc_client_command_simple(client, database, cCommand, nil, reply.pointer, &error) else {
                    throw MongoError(error, redacting: uriText)
                }
                return try reply.document()
            }
        }
    }

    /// `{ping: 1}` against `admin`; throws when no server answers in time.
    public func ping() async throws {
        _ = try await runCommand(["ping": 1], database: "admin")
    }
}
