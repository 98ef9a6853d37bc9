import BlockingGuard
import Foundation
import KitSupport
import NIOPosix
import Synchronization

/// A Redis client: a small pool of hiredis connections used from the client's own
/// thread pool (never an event loop or the cooperative pool).
///
/// A broken connection is dropped and replaced on next use. After a failed connect,
/// further connects wait out a growing backoff (100 ms doubling to 5 s) and calls in
/// that window fail at once with `.unavailable`, so an outage never stalls callers.
public final class RedisClient: Sendable {
    public struct Options: Sendable {
        public var poolSize: Int
        public var connectTimeout: Duration
        public var commandTimeout: Duration

        public init(poolSize: Int = 4, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(2)) {
            self.poolSize = poolSize
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
        }
    }

    public let endpoint: RedisEndpoint
    private let options: Options
    private let threadPool: NIOThreadPool
    private let state = Mutex(State())

    private struct State {
        var idle: [RedisConnection] = []
        var closed = false
        var failures = 0
        var retryAt: ContinuousClock.Instant?
    }

    public init(endpoint: RedisEndpoint, options: Options = Options()) {
        self.endpoint = endpoint
        self.options = options
        self.threadPool = NIOThreadPool(numberOfThreads: max(1, options.poolSize))
        self.threadPool.start()
    }

    /// Parses `host:port` or `redis://…` and makes a client (no I/O yet).
    public convenience init(url: String, options: Options = Options()) throws(RedisEndpointError) {
        self.init(endpoint: try RedisEndpoint(parsing: url), options: options)
    }

    /// Stops the thread pool and drops the connections.
    public func close() async {
        let wasOpen = state.withLock { state -> Bool in
            defer { state.closed = true; state.idle = [] }
            return !state.closed
        }
        if wasOpen { try? await threadPool.shutdownGracefully() }
    }

    /// Runs one command, e.g. `["SET", "k", "v"]`. An error reply is thrown as `.server`.
    @discardableResult
    public func command(_ arguments: [String]) async throws -> RedisValue {
        try await command(bytes: arguments.map { Array($0.utf8) })
    }

    /// Runs one binary-safe command.
    @discardableResult
    public func command(bytes arguments: [[UInt8]]) async throws -> RedisValue {
        let reply = try await pipeline(bytes: [arguments])[0]
        if case .error(let message) = reply { throw RedisError(.server, message) }
        return reply
    }

    /// Sends commands in one round trip; replies in order (error replies as values).
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        try await pipeline(bytes: commands.map { $0.map { Array($0.utf8) } })
    }

    public func pipeline(bytes commands: [[[UInt8]]]) async throws -> [RedisValue] {
        do {
            return try await threadPool.runIfActive { try self.withConnection { try $0.pipeline(commands) } }
        } catch let error as RedisError {
            throw error
        } catch {
            throw RedisError(.closed, "the Redis client is closed")
        }
    }

    /// `PING` → `PONG`.
    public func ping() async throws {
        let reply = try await command(["PING"])
        guard reply.string == "PONG" else { throw RedisError(.protocolError, "unexpected PING reply \(reply)") }
    }

    /// Borrows an idle connection (or connects), runs `body`, returns it unless broken.
    private func withConnection<R>(_ body: (RedisConnection) throws -> R) throws -> R {
        BlockingCallGuard.assertNotOnEventLoop("a hiredis call")
        let connection = try state.withLock { state throws(RedisError) -> RedisConnection? in
            if state.closed { throw RedisError(.closed, "the Redis client is closed") }
            return state.idle.popLast()
        } ?? connect()
        do {
            let result = try body(connection)
            state.withLock { state in if !state.closed && !connection.isBroken { state.idle.append(connection) } }
            return result
        } catch {
            if !connection.isBroken {
                state.withLock { state in if !state.closed { state.idle.append(connection) } }
            }
            throw error
        }
    }

    private func connect() throws -> RedisConnection {
        let now = ContinuousClock.now
        if let retryAt = state.withLock({ $0.retryAt }), now < retryAt {
            throw RedisError(.unavailable, "Redis at \(endpoint.host):\(endpoint.port) is unavailable (retrying in \(retryAt - now))")
        }
        do {
            let connection = try RedisConnection(endpoint: endpoint, connectTimeout: options.connectTimeout, commandTimeout: options.commandTimeout)
            state.withLock { state in
                state.failures = 0
                state.retryAt = nil
            }
            return connection
        } catch {
            state.withLock { state in
                state.failures += 1
                state.retryAt = ContinuousClock.now + Backoff.delay(afterFailures: state.failures)
            }
            throw error
        }
    }
}
