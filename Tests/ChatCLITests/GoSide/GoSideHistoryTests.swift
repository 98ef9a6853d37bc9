import ChatCore
import ChatTestSupport
import Foundation
import MongoKit
import RedisKit
import Testing

/// `chatctl serve chat` beside the Go chat service over one MongoDB and one Redis, the
/// Go side played exactly as its code writes and reads (`GoChatService`).
@Suite(
    "beside the Go chat service: history, resume, the Go cache key, restored copies",
    .enabled(if: MongoTestServer.shouldRun && RedisTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason + "; " + RedisTestServer.skipReason)))
struct GoSideHistoryTests {
    /// One chat node on a fresh database of the test MongoDB and its own Redis, one user
    /// ("ines") with a token, and the Go service on the same data.
    struct Deployment {
        let redis: RedisTestServer
        let chat: ChatctlProcess
        let base: String
        let token: String
        let environment: [String: String]
        let go: GoChatService

        /// Runs `body` on a fresh deployment and stops it on every path.
        static func run(_ body: (Deployment) async throws -> Void) async throws {
            let deployment = try await start()
            do {
                try await body(deployment)
            } catch {
                await deployment.stop()
                throw error
            }
            await deployment.stop()
        }

        private static func start() async throws -> Deployment {
            let redis = try await RedisTestServer()
            var started: ChatctlProcess?
            do {
                let database = MongoTestServer.freshDatabase()
                let uri = try MongoTestServer.requireURI()
                let environment = [
                    "SECRET_KEY": "go-side-secret-0123456789abcdef", "MONGO_URI": uri, "DATABASE_NAME": database,
                    "REDIS_URI": "127.0.0.1:\(redis.port)", "CHATCTL_LIMITS_CONNECTIONS_PER_USER": "0", "CHATCTL_MESSAGE_RATE_LIMIT": "0",
                ]
                let chat = try ChatctlProcess(["serve", "chat", "--host", "127.0.0.1", "--port", "0"], environment: environment)
                started = chat
                let base = "http://127.0.0.1:\(try await chat.waitForListeningPort())"
                _ = try await TestHTTP.request("POST", "\(base)/api/user/signup/", ["username": "ines", "email": "i@example.com", "password": "correct horse"])
                let (_, login) = try await TestHTTP.request("POST", "\(base)/api/user/login/", ["username": "ines", "password": "correct horse"])
                let token = try #require(login["token"] as? String)
                let go = GoChatService(mongo: try MongoClient(uri: uri), database: database, redis: try RedisClient(url: redis.url))
                return Deployment(redis: redis, chat: chat, base: base, token: token, environment: environment, go: go)
            } catch {
                started?.stop()
                redis.stop()
                throw error
            }
        }

        func stop() async {
            chat.stop()
            await go.mongo.close()
            await go.redis.close()
            redis.stop()
        }

        func socket(_ room: String, since: String? = nil) -> TestSocket {
            TestSocket(url: "\(base.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=\(room)\(since.map { "&since=\($0)" } ?? "")&token=\(token)")
        }

        /// Posts through chatctl and waits for the echo; returns the stored message's id and time.
        func post(_ content: String, on socket: TestSocket) async throws -> (id: String, timestamp: Date) {
            socket.send(#"{"type":"message","content":"\#(content)"}"#)
            while true {
                let frame = try await socket.nextObject("the echo of \(content)")
                guard frame["content"] as? String == content else { continue }
                let id = try #require(frame["id"] as? String)
                let time = try #require((frame["timestamp"] as? String).flatMap(RFC3339.date(from:)))
                return (id, time)
            }
        }

        func chatctl(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await ChatctlProcess.run(arguments, environment: environment)
        }
    }

    /// Waits until the clock is past `time` (message times are milliseconds).
    static func after(_ time: Date) async {
        while Date().truncatedToMilliseconds <= time.truncatedToMilliseconds { await Task.yield() }
    }

    @Test("writes alternating between chatctl and Go: every history (chatctl's, Go's, rooms show) is newest first by time; resume delivers Go's messages too")
    func alternatingWriters() async throws { try await Deployment.run(Self.alternatingWriters) }

    static func alternatingWriters(_ deployment: Deployment) async throws {
        _ = try await TestHTTP.request("POST", "\(deployment.base)/api/room/create/", ["name": "mixed"], token: deployment.token)
        let go = deployment.go
        let room = try await go.room(named: "mixed")
        let ines = try await go.userID(named: "ines")
        let live = deployment.socket("mixed")
        #expect(try await live.nextArray().isEmpty)  // chatctl's cache of the room is now filled

        var ids: [String: String] = [:]
        var last = Date.distantPast
        for index in 1...3 {
            await Self.after(last)
            let ctl = try await deployment.post("ctl-\(index)", on: live)
            ids["ctl-\(index)"] = ctl.id
            let goMessage = try await go.post("go-\(index)", from: ines, in: room, after: ctl.timestamp)
            ids["go-\(index)"] = goMessage.id.hex
            last = goMessage.timestamp
        }
        let expected = ["go-3", "ctl-3", "go-2", "ctl-2", "go-1", "ctl-1"]
        // Go's writes never touched chatctl's cache: the join still sees them.
        let fresh = deployment.socket("mixed")
        #expect(try await fresh.nextArray().map { $0["content"] as? String ?? "" } == expected)
        #expect(try await go.history(of: room) == expected, "the Go service reads the same order")
        #expect(try await go.hasCachedHistory("mixed"), "the Go service cached it")

        // A chatctl post drops the Go service's cached history, as the Go service's own posts do.
        await Self.after(last)
        let ctl4 = try await deployment.post("ctl-4", on: live)
        ids["ctl-4"] = ctl4.id
        #expect(try await !go.hasCachedHistory("mixed"))
        #expect(try await go.history(of: room).first == "ctl-4")

        // The last activity is the newest message by time, whoever wrote it.
        let go5 = try await go.post("go-5", from: ines, in: room, after: ctl4.timestamp)
        let shown = try await deployment.chatctl(["rooms", "show", "mixed", "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let lastActivity = (document["room"] as? [String: Any])?["lastActivity"] as? String
        #expect(lastActivity.flatMap(RFC3339.date(from:))?.truncatedToMilliseconds == go5.timestamp, "rooms show: \(shown.stdout)")

        // Resume after a chatctl message, and after a Go-written one: everything later, oldest first by time.
        func resumed(since id: String, count: Int) async throws -> [String] {
            let socket = deployment.socket("mixed", since: id)
            var contents: [String] = []
            while contents.count < count { contents.append(try await socket.nextObject("a resumed message")["content"] as? String ?? "") }
            await socket.close()
            return contents
        }
        #expect(try await resumed(since: ids["ctl-1"]!, count: 7) == ["go-1", "ctl-2", "go-2", "ctl-3", "go-3", "ctl-4", "go-5"])
        #expect(try await resumed(since: ids["go-2"]!, count: 4) == ["ctl-3", "go-3", "ctl-4", "go-5"])

        // Fifty chatctl messages do not push a newer Go message out of the history frame.
        for index in 0..<50 { _ = try await deployment.post("bulk-\(index)", on: live) }
        let newest = try await go.post("go-newest", from: ines, in: room, after: Date())
        let afterBulk = deployment.socket("mixed")
        let frame = try await afterBulk.nextArray()
        #expect(frame.count == 50 && frame.first?["content"] as? String == "go-newest", "first: \(String(describing: frame.first))")
        #expect(frame.first?["id"] as? String == newest.id.hex)
        for socket in [live, fresh, afterBulk] { await socket.close() }
    }

    @Test("cache purge, archive and rooms delete drop the Go service's cached history too")
    func goCacheKeyDropped() async throws { try await Deployment.run(Self.goCacheKeyDropped) }

    static func goCacheKeyDropped(_ deployment: Deployment) async throws {
        let go = deployment.go
        _ = try await TestHTTP.request("POST", "\(deployment.base)/api/room/create/", ["name": "kept"], token: deployment.token)
        let room = try await go.room(named: "kept")
        let socket = deployment.socket("kept")
        _ = try await socket.nextArray()
        let old = try await deployment.post("old news", on: socket)
        await socket.close()

        _ = try await go.history(of: room)
        #expect(try await go.hasCachedHistory("kept"))
        let purged = try await deployment.chatctl(["cache", "purge", "kept"])
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(try await !go.hasCachedHistory("kept"), "cache purge")

        #expect(try await go.history(of: room) == ["old news"])
        let cutoff = old.timestamp.addingTimeInterval(0.001)
        await Self.after(cutoff)  // a cut-off in the future is refused
        let archived = try await deployment.chatctl(["archive", "run", "--older-than", RFC3339.string(from: cutoff), "--room", "kept"])
        #expect(archived.status == 0, "\(archived.stderr)")
        #expect(try await !go.hasCachedHistory("kept"), "archive")
        #expect(try await go.history(of: room).isEmpty, "Go clients no longer see the archived message")

        #expect(try await go.hasCachedHistory("kept"))
        let deleted = try await deployment.chatctl(["rooms", "delete", "kept", "--yes"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try await !go.hasCachedHistory("kept"), "rooms delete")
    }

    @Test("copies the Go scheduler archived (no seq) get sequence numbers when restored: resume finds them")
    func restoredGoCopies() async throws { try await Deployment.run(Self.restoredGoCopies) }

    static func restoredGoCopies(_ deployment: Deployment) async throws {
        let go = deployment.go
        _ = try await TestHTTP.request("POST", "\(deployment.base)/api/room/create/", ["name": "attic"], token: deployment.token)
        let room = try await go.room(named: "attic")
        let ines = try await go.userID(named: "ines")
        var last = Date()
        for index in 0..<3 { last = try await go.post("attic-\(index)", from: ines, in: room, after: last).timestamp }
        #expect(try await go.archiveAsGoScheduler(room: room) == 3)

        let restored = try await deployment.chatctl(["archive", "restore", "--room", "attic", "--json"])
        #expect(restored.status == 0, "\(restored.stderr)")
        let documents = try await go.mongo.collection("messages", database: go.database).find(
            ["room_id": .objectID(BSONObjectID(bytes: room.id.bytes))], options: .init(sort: ["timestamp": 1]))
        let sequences = documents.map { $0.int("seq") ?? 0 }
        #expect(sequences.count == 3 && sequences.allSatisfy { $0 > 0 } && sequences == sequences.sorted() && Set(sequences).count == 3,
                "seq in time order: \(sequences)")

        // Resume from the first restored message: the two after it.
        let first = try #require(documents.first?.objectID("_id")).description
        let socket = deployment.socket("attic", since: first)
        #expect(try await socket.nextObject()["content"] as? String == "attic-1")
        #expect(try await socket.nextObject()["content"] as? String == "attic-2")
        await socket.close()
    }
}
