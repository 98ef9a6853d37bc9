import ChatClient
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

    @Test("`redis-cli shutdown nosave` and a restart: calls fail fast while it is down, then succeed again without a new client")
    func reconnect() async throws {
        let server = try await RedisTestServer()
        // Shut down, Redis refuses connections at once (that is the fast failure tested): the
        // timeouts only bound a Redis that is up and slow (a loaded machine), so they are generous.
        let client = try RedisClient(url: server.url, options: .init(poolSize: 2, connectTimeout: .seconds(5), commandTimeout: .seconds(10)))
        try await client.command(["SET", "k", "1"])
        try await server.shutdownNoSave()
        let down = await #expect(throws: RedisError.self) { try await client.command(["GET", "k"]) }
        #expect(down?.kind == .unavailable)
        try await server.start()
        // The backoff is at most a few hundred ms after one failure; retry within a bound.
        let recovered = try await waitUntil { (try? await client.ping()) != nil }
        #expect(recovered)
        #expect(try await client.command(["GET", "k"]).isNull, "a fresh server (no persistence)")
        await client.close()
        server.stop()
    }
}

@Suite("RedisKit subscriptions", .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
struct RedisSubscriberTests {
    /// Pumps a subscriber's events into a queue the test can wait on with a deadline.
    func pump(_ subscriber: RedisSubscriber) -> (TimedQueue<RedisSubscriber.Event>, Task<Void, Never>) {
        let queue = TimedQueue<RedisSubscriber.Event>()
        let task = Task {
            for await event in subscriber { await queue.push(event) }
            await queue.finish()
        }
        return (queue, task)
    }

    func next(_ queue: TimedQueue<RedisSubscriber.Event>, skippingDisconnects: Bool = true) async throws -> RedisSubscriber.Event {
        while true {
            switch await queue.next(timeout: .seconds(Patience.seconds)) {
            case .item(.disconnected) where skippingDisconnects: continue
            case .item(let event): return event
            case .closed: throw RedisError(.closed, "subscription ended")
            case .timedOut: throw RedisError(.unavailable, "no event within \(Patience.seconds) s")
            }
        }
    }

    @Test("pattern subscriptions report the matching channel")
    func patterns() async throws {
        let server = try await RedisTestServer()
        let endpoint = try RedisEndpoint(parsing: server.url)
        let client = RedisClient(endpoint: endpoint)
        let subscriber = RedisSubscriber(endpoint: endpoint, channels: ["exact"], patterns: ["room:*"])
        let (queue, task) = pump(subscriber)
        #expect(try await next(queue) == .subscribed)
        try await client.command(["PUBLISH", "room:42", "hi"])
        try await client.command(["PUBLISH", "other", "ignored"])
        try await client.command(["PUBLISH", "exact", "yes"])
        #expect(try await next(queue) == .message(channel: "room:42", payload: Array("hi".utf8)))
        #expect(try await next(queue) == .message(channel: "exact", payload: Array("yes".utf8)))
        subscriber.stop()
        _ = await task.value
        await client.close()
        server.stop()
    }

    @Test("published messages arrive; after `shutdown nosave` and a restart the subscription comes back by itself")
    func subscribeAndResubscribe() async throws {
        let server = try await RedisTestServer()
        let endpoint = try RedisEndpoint(parsing: server.url)
        let client = RedisClient(endpoint: endpoint, options: .init(connectTimeout: .milliseconds(300)))
        let subscriber = RedisSubscriber(endpoint: endpoint, channels: ["news"])
        let (queue, task) = pump(subscriber)
        #expect(try await next(queue) == .subscribed)
        try await client.command(bytes: [Array("PUBLISH".utf8), Array("news".utf8), [0, 1, 2]])
        #expect(try await next(queue) == .message(channel: "news", payload: [0, 1, 2]))

        try await server.shutdownNoSave()
        try await server.start()
        #expect(try await next(queue) == .subscribed)
        // Until a PUBLISH reaches the subscriber (bounded); each one that does is received.
        _ = try await waitUntil { (try? await client.command(["PUBLISH", "news", "again"]))?.int == 1 }
        #expect(try await next(queue) == .message(channel: "news", payload: Array("again".utf8)))

        subscriber.stop()
        _ = await task.value
        #expect(await queue.next(timeout: .seconds(1)) == .closed)
        await client.close()
        server.stop()
    }
}

