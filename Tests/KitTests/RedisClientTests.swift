import ChatTestSupport
import RedisKit
import Testing

@Suite("RedisKit against a real redis-server", .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
struct RedisClientTests {
    @Test("commands, binary-safe values, nil, integers, arrays, error replies")
    func commands() async throws {
        let server = try await RedisTestServer()
        let client = try RedisClient(url: server.url)
        try await client.ping()
        try await client.command(["SET", "greeting", "hello"])
        #expect(try await client.command(["GET", "greeting"]).string == "hello")
        #expect(try await client.command(["GET", "absent"]).isNull)
        let binary: [UInt8] = [0, 1, 2, 0xFF, 0x0D, 0x0A, 0]
        try await client.command(bytes: [Array("SET".utf8), Array("bin".utf8), binary])
        #expect(try await client.command(["GET", "bin"]) == .bulk(binary))
        #expect(try await client.command(["INCRBY", "n", "41"]).int == 41)
        try await client.command(["RPUSH", "list", "a", "b", "c"])
        #expect(try await client.command(["LRANGE", "list", "0", "-1"]).array?.compactMap(\.string) == ["a", "b", "c"])
        let error = await #expect(throws: RedisError.self) { try await client.command(["LPUSH", "greeting", "x"]) }
        #expect(error?.kind == .server)
        await client.close()
        server.stop()
    }

    @Test("a pipeline sends many commands in one round trip, replies in order")
    func pipeline() async throws {
        let server = try await RedisTestServer()
        let client = try RedisClient(url: server.url)
        let replies = try await client.pipeline((0..<100).map { _ in ["INCR", "counter"] })
        #expect(replies.compactMap(\.int) == (1...100).map(Int64.init))
        await client.close()
        server.stop()
    }

    @Test("AUTH from the URL; a wrong password is a clear error that hides it")
    func auth() async throws {
        let server = try await RedisTestServer(password: "s3cret-pass")
        let client = try RedisClient(url: server.url)
        try await client.ping()
        await client.close()
        let wrong = try RedisClient(url: "redis://:wrong-pass@127.0.0.1:\(server.port)/0")
        let error = await #expect(throws: RedisError.self) { try await wrong.ping() }
        #expect(error.map { !$0.message.contains("wrong-pass") } == true)
        await wrong.close()
        server.stop()
    }

    @Test("a restart of the server: calls fail fast while it is down, then succeed again without a new client")
    func reconnect() async throws {
        let server = try await RedisTestServer()
        let client = try RedisClient(url: server.url, options: .init(poolSize: 2, connectTimeout: .milliseconds(200), commandTimeout: .milliseconds(500)))
        try await client.command(["SET", "k", "1"])
        server.stop()
        let down = await #expect(throws: RedisError.self) { try await client.command(["GET", "k"]) }
        #expect(down?.kind == .unavailable)
        try await server.start()
        // The backoff is at most a few hundred ms after one failure; retry within a bound.
        var recovered = false
        for _ in 0..<100 where !recovered {
            recovered = (try? await client.ping()) != nil
            if !recovered { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(recovered)
        #expect(try await client.command(["GET", "k"]).isNull, "a fresh server (no persistence)")
        await client.close()
        server.stop()
    }
}
