import ChatTestSupport
import Foundation
import RedisKit
import Testing

@Suite("chatctl cache", .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
struct CacheCommandTests {
    @Test("verify passes, detects a tampered cache (exit 1), purge drops it, warm refills it; show prints it")
    func verifyPurgeWarm() async throws {
        let redis = try await RedisTestServer()
        defer { redis.stop() }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-cache-\(UUID().uuidString)").path
        let environment = ["SECRET_KEY": "cache-cli-secret-0123456789abcdef", "REDIS_URI": "127.0.0.1:\(redis.port)"]
        let server = try ChatctlProcess(["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir], environment: environment)
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let people = try await NotificationServiceTests.members(["liz"], room: "cached", chat: chat)
        let socket = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=cached&token=\(people[0].token)")
        _ = try await socket.nextArray()
        var roomID = ""
        for index in 0..<5 {
            socket.send(#"{"type":"message","content":"c\#(index)"}"#)
            roomID = try await socket.nextObject()["room_id"] as? String ?? ""
        }
        await socket.close()
        let store = ["--data-dir", dataDir]

        let verified = try await ChatctlProcess.run(["cache", "verify", "cached"] + store, environment: environment)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("ok"))

        let client = try RedisClient(url: "redis://127.0.0.1:\(redis.port)/0")
        _ = try await client.command(["LPOP", "chatctl:recent:\(roomID)"])
        await client.close()
        let drift = try await ChatctlProcess.run(["cache", "verify", "--json"] + store, environment: environment)
        #expect(drift.status == 1)
        let rooms = try #require((try JSONSerialization.jsonObject(with: Data(drift.stdout.utf8)) as? [String: Any])?["rooms"] as? [[String: Any]])
        #expect(rooms.first { $0["room"] as? String == "cached" }?["state"] as? String == "drift")

        let shown = try await ChatctlProcess.run(["cache", "show", "cached", "--json"] + store, environment: environment)
        let cached = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(cached["cached"] as? Bool == true && (cached["messages"] as? [Any])?.count == 4)

        #expect(try await ChatctlProcess.run(["cache", "purge", "cached"] + store, environment: environment).status == 0)
        let purged = try await ChatctlProcess.run(["cache", "show", "cached"] + store, environment: environment)
        #expect(purged.stdout.contains("not cached"))
        let warmed = try await ChatctlProcess.run(["cache", "warm", "cached"] + store, environment: environment)
        #expect(warmed.stdout.contains("warmed 1 of 1"))
        #expect(try await ChatctlProcess.run(["cache", "verify", "cached"] + store, environment: environment).status == 0)
        let all = try await ChatctlProcess.run(["cache", "purge", "--all"] + store, environment: environment)
        #expect(all.status == 1 && all.stderr.contains("--yes"), "--all needs --yes off a terminal")

        let noRedis = try await ChatctlProcess.run(["cache", "show", "cached"] + store, environment: ["SECRET_KEY": "x"])
        #expect(noRedis.status == 1 && noRedis.stderr.contains("redis.uri"))
    }
}
