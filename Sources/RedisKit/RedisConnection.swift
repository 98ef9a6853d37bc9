import CHiredis
import Foundation
import KitSupport

/// One hiredis connection. Not thread-safe: the client hands it to one thread-pool
/// job at a time. `@unchecked Sendable` for that hand-over only.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>
    /// Set once an I/O or protocol error has left the connection unusable.
    private(set) var isBroken = false

    /// Connects, then AUTH and SELECT as the endpoint says.
    init(endpoint: RedisEndpoint, connectTimeout: Duration, commandTimeout: Duration) throws(RedisError) {
        guard let context = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), connectTimeout.timeValue) else {
            throw RedisError(.unavailable, "cannot allocate a Redis connection")
        }
        if context.pointee.err != 0 {
            let message = Self.errorString(context)
            redisFree(context)
            throw RedisError(.unavailable, "cannot connect to Redis at \(endpoint.host):\(endpoint.port): \(message)")
        }
        redisSetTimeout(context, commandTimeout.timeValue)
        self.context = context
        if let password = endpoint.password {
            let reply = try send([Array("AUTH".utf8), Array(password.utf8)])
            if case .error(let message) = reply { throw RedisError(.server, "Redis AUTH failed: \(message)") }
        }
        if endpoint.database != 0 {
            let reply = try send([Array("SELECT".utf8), Array(String(endpoint.database).utf8)])
            if case .error(let message) = reply { throw RedisError(.server, "Redis SELECT \(endpoint.database) failed: \(message)") }
        }
    }

    deinit { redisFree(context) }

    /// Sends one command (binary-safe argv) and reads its reply.
    func send(_ arguments: [[UInt8]]) throws(RedisError) -> RedisValue {
        try pipeline([arguments])[0]
    }

    /// Sends every command, then reads every reply, in order.
    func pipeline(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisValue] {
        guard !isBroken else { throw RedisError(.unavailable, "connection is broken") }
        for command in commands {
            let status = command.withArgv { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            guard status == REDIS_OK else { throw brokenError() }
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw brokenError() }
            defer { freeReplyObject(raw) }
            replies.append(Self.value(raw.assumingMemoryBound(to: redisReply.self)))
        }
        return replies
    }

    private func brokenError() -> RedisError {
        isBroken = true
        return RedisError(context.pointee.err == REDIS_ERR_PROTOCOL ? .protocolError : .unavailable,
                          "Redis connection failed: \(Self.errorString(context))")
    }

    static func value(_ reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            return .bulk(r.str.map { Array(UnsafeRawBufferPointer(start: $0, count: r.len)) } ?? [])
        case REDIS_REPLY_STATUS:
            return .status(r.str.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: r.len), as: UTF8.self) } ?? "")
        case REDIS_REPLY_ERROR:
            return .error(r.str.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: r.len), as: UTF8.self) } ?? "")
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            return .array((0..<r.elements).compactMap { index in r.element[index].map(value) })
        default:
            return .null
        }
    }

    /// hiredis' `errstr` of `context` (also read by `RedisSubscriber`).
    static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

extension [[UInt8]] {
    /// Calls hiredis with argv pointers valid for the whole call.
    func withArgv<R>(_ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        let lengths = self.map(\.count)
        let copies: [UnsafeMutablePointer<CChar>] = self.map { bytes in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: Swift.max(1, bytes.count))
            bytes.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { copy.initialize(from: $0.baseAddress!, count: bytes.count) }
            }
            return copy
        }
        defer { copies.forEach { $0.deallocate() } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        return pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { argvLengths in
                body(Int32(self.count), argv.baseAddress!, argvLengths.baseAddress!)
            }
        }
    }
}
