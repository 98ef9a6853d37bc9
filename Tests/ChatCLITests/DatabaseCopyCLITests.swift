import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import MongoKit
import Testing

@Suite("chatctl db copy", .enabled(if: MongoTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason)))
struct DatabaseCopyCLITests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    /// Each collection's entry of a `--json` summary, by name.
    static func collections(_ summary: [String: Any]) -> [String: [String: Any]] {
        var byName: [String: [String: Any]] = [:]
        for entry in summary["collections"] as? [[String: Any]] ?? [] {
            if let name = entry["name"] as? String { byName[name] = entry }
        }
        return byName
    }

    /// How many documents `collection` of `database` holds.
    static func count(_ collection: String, uri: String, database: String) async throws -> Int {
        let client = try MongoClient(uri: uri, options: .init(poolSize: 1))
        do {
            let count = try await client.collection(collection, database: database).countDocuments()
            await client.close()
            return count
        } catch {
            await client.close()
            throw error
        }
    }

    @Test("a data dir → the MongoDB stand-in: killed midway, run again with --verify --json (exit 0, nothing twice), again (nothing written); reports and rooms' retention as in the source, and put back when changed on the target; serve chat on the copy: a copied user logs in, a post continues the seq; back into a new SQLite file; refusals exit 64")
    func sqliteToMongo() async throws {
        let uri = try MongoTestServer.requireURI(), database = MongoTestServer.freshDatabase()
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-dbcopy-\(UUID().uuidString)").path
        // The data dir as serving processes would have left it: users, rooms, messages, archived messages, and the rest.
        let seeded = try await SQLiteChatStore.open(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"))
        let fixture = try await StoreCopyFixture.seed(seeded, messagesPerRoom: 300, batch: 100)
        await seeded.close()
        let store = ["--data-dir", dataDir]
        let target = ["--to", uri, "--database", database]

        // Slowed (pages of 20, a pause between them) so that it is surely still copying messages when killed.
        let slow = try ChatctlProcess(["db", "copy", "--batch-size", "20", "--pause-ms", "300"] + target + store)
        let started = try await waitUntil(seconds: 2 * Patience.seconds, every: .milliseconds(200)) {
            try await Self.count("messages", uri: uri, database: database) >= 40 || !slow.process.isRunning
        }
        #expect(started && slow.process.isRunning, "the copy got to the messages: \(slow.stderr)")
        slow.kill9()
        _ = try await slow.waitForExit()
        let partial = try await Self.count("messages", uri: uri, database: database)
        #expect(partial >= 40 && partial < fixture.live.count, "killed midway: \(partial) of \(fixture.live.count)")

        let rerun = try await ChatctlProcess.run(["db", "copy", "--verify", "--json"] + target + store)
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        let summary = try Self.json(rerun.stdout)
        #expect(summary["verify"] as? String == "ok")
        #expect((summary["differing"] as? [String])?.isEmpty == true)
        let entries = Self.collections(summary)
        #expect(Set(entries.keys) == Set(StoreCollection.allCases.map(\.rawValue)))
        let messages = try #require(entries["messages"])
        let unchanged = try #require(messages["unchanged"] as? Int), written = try #require(messages["written"] as? Int)
        #expect(unchanged >= partial && unchanged + written == fixture.live.count, "what the killed run wrote is left alone")
        #expect(messages["matches"] as? Bool == true)
        #expect(entries["archived_messages"]?["read"] as? Int == fixture.archived.count)
        #expect(entries["reports"]?["read"] as? Int == fixture.reports.count)
        #expect(entries["reports"]?["matches"] as? Bool == true)
        #expect(try await Self.count("messages", uri: uri, database: database) == fixture.live.count, "nothing twice")
        #expect(try await Self.count("clients", uri: uri, database: database) == fixture.users.count)

        let again = try await ChatctlProcess.run(["db", "copy", "--verify", "--json"] + target + store)
        #expect(again.status == 0, "\(again.stderr)")
        let nothing = try Self.json(again.stdout)
        #expect(nothing["written"] as? Int == 0, "the previous run's audit record is in both stores: \(again.stdout)")
        #expect(nothing["verify"] as? String == "ok")

        // The reports (the resolution too) and each room's archive age and retention are the source's;
        // changed on the target, the next run puts them back.
        let copied = try MongoChatStore(uri: uri, database: database)
        for report in fixture.reports { #expect(try await copied.report(id: report.id) == report) }
        for room in fixture.rooms { #expect(try await copied.room(id: room.id)?.rules == room.rules, "\(room.name)") }
        let quiet = fixture.rooms[2]
        #expect(try await copied.room(id: quiet.id)?.rules.retention == .seconds(90 * 86_400))
        _ = try await copied.changeRoomRules(RoomRules.Change(archiveAfter: .useDefault, retention: .set(.forever)), roomID: quiet.id)
        _ = try await copied.resolveReport(id: fixture.reports[0].id, resolution: Report.Resolution(action: .none, by: "root@elsewhere"))
        await copied.close()
        let putBack = try await ChatctlProcess.run(["db", "copy", "--verify", "--json"] + target + store)
        #expect(putBack.status == 0, "\(putBack.stdout)\(putBack.stderr)")
        let restored = Self.collections(try Self.json(putBack.stdout))
        #expect(restored["rooms"]?["written"] as? Int == 1 && restored["reports"]?["written"] as? Int == 1, "\(putBack.stdout)")
        #expect(restored["rooms"]?["matches"] as? Bool == true && restored["reports"]?["matches"] as? Bool == true)
        let recopied = try MongoChatStore(uri: uri, database: database)
        #expect(try await recopied.room(id: quiet.id)?.rules == quiet.rules)
        #expect(try await recopied.report(id: fixture.reports[0].id) == fixture.reports[0])
        await recopied.close()

        // The copy serves: a copied user logs in with its copied hash; a post continues the room's seq.
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0"],
            environment: ["SECRET_KEY": "db-copy-cli-secret-0123456789abcdef", "MONGO_URI": uri, "DATABASE_NAME": database])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let (status, login) = try await TestHTTP.request("POST", "\(chat)/api/user/login/", ["username": "ann", "password": StoreCopyFixture.password])
        #expect(status == 200)
        let token = try #require(login["token"] as? String)
        let lobby = fixture.rooms[0]
        let socket = TestSocket(url: "\(chat.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=\(lobby.name)&token=\(token)")
        let history = try await socket.nextArray()
        #expect(history.first?["seq"] as? Int == Int(fixture.lastSequence(of: lobby)))
        socket.send(TestSocket.message("after the copy"))
        let posted = try await socket.nextObject()
        #expect(posted["seq"] as? Int == Int(fixture.lastSequence(of: lobby)) + 1, "\(posted)")
        await socket.close()
        server.stop()
        #expect(try await server.waitForExit() == 0)

        // And back, from MongoDB into a new SQLite file.
        let back = (dataDir as NSString).appendingPathComponent("back/chatctl.sqlite")
        let home = try await ChatctlProcess.run(["db", "copy", "--from", uri, "--database", database, "--to", "sqlite:\(back)", "--verify"] + store)
        #expect(home.status == 0, "\(home.stdout)\(home.stderr)")
        #expect(home.stdout.contains("verify: every collection matches"))
        let copiedBack = try await SQLiteChatStore.open(path: back)
        #expect(try await copiedBack.recentMessages(inRoom: lobby.id, limit: 1).first?.content == "after the copy")
        #expect(try await copiedBack.user(named: "ann")?.passwordHash == fixture.passwordHash)

        // Refusals name what is wrong and exit 64 before anything is copied.
        let same = try await ChatctlProcess.run(["db", "copy", "--to", "sqlite:\((dataDir as NSString).appendingPathComponent("chatctl.sqlite"))"] + store)
        #expect(same.status == 64 && same.stderr.contains("same store"), "\(same.stderr)")
        let sameMongo = try await ChatctlProcess.run(["db", "copy", "--to", uri, "--database", database], environment: ["MONGO_URI": uri, "DATABASE_NAME": database])
        #expect(sameMongo.status == 64 && sameMongo.stderr.contains("same store"), "\(sameMongo.stderr)")
        let neither = try await ChatctlProcess.run(["db", "copy"] + store)
        #expect(neither.status == 64 && neither.stderr.contains("--to"))
        let unknown = try await ChatctlProcess.run(["db", "copy", "--to", "redis://127.0.0.1:6379"] + store)
        #expect(unknown.status == 64 && unknown.stderr.contains("--to") && unknown.stderr.contains("sqlite:PATH"), "\(unknown.stderr)")
        let nothingThere = try await ChatctlProcess.run(["db", "copy", "--to", uri, "--database", database, "--data-dir", dataDir + "-missing"])
        #expect(nothingThere.status == 64 && nothingThere.stderr.contains("no SQLite store"), "\(nothingThere.stderr)")
    }

    @Test("--verify exits 1 naming the collections that differ when the target holds records the source lacks (a user, a room with its own retention, a report)")
    func verifyMismatch() async throws {
        let uri = try MongoTestServer.requireURI(), database = MongoTestServer.freshDatabase()
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-dbcopy-\(UUID().uuidString)").path
        let seeded = try await SQLiteChatStore.open(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"))
        _ = try await StoreCopyFixture.seed(seeded, messagesPerRoom: 3)
        await seeded.close()
        // The target already holds a user and a room of its own.
        let mongo = try MongoChatStore(uri: uri, database: database)
        try await mongo.ensureIndexes()
        try await mongo.insertUser(User(username: "zed", email: "zed@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv"))
        let elsewhere = Room(name: "elsewhere", rules: RoomRules(archiveAfterSeconds: 3_600, retention: .seconds(86_400)))
        try await mongo.insertRoom(elsewhere)
        try await mongo.insertReport(Report(messageID: ObjectID(), roomID: elsewhere.id, senderID: ObjectID(), reporterID: ObjectID(), reason: "theirs"))
        await mongo.close()

        let result = try await ChatctlProcess.run(["db", "copy", "--to", uri, "--database", database, "--verify", "--json", "--data-dir", dataDir])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let summary = try Self.json(result.stdout)
        #expect(summary["verify"] as? String == "differs")
        #expect(summary["differing"] as? [String] == ["users", "rooms", "reports"])
        #expect(result.stderr.contains("users, rooms, reports"), "\(result.stderr)")
    }
}
