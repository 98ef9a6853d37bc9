import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import GRDB
import Testing

@Suite("chatctl users export|erase, rooms export|import")
struct DataLifecycleCLITests {
    static func dataDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-lifecycle-\(UUID().uuidString)").path
    }

    /// The embedded default's store in `dataDir`: writer's 30 messages in `hall` (the first
    /// ten two days old, one with a comma, quotes and a line break), reader's 5, a
    /// notification for reader of each of writer's and for writer of each of reader's.
    static func seed(_ dataDir: String) async throws -> (writer: User, reader: User) {
        let store = try await SQLiteChatStore.open(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"))
        let writer = User(username: "writer", email: "writer@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
        let reader = User(username: "reader", email: "reader@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
        for user in [writer, reader] { try await store.insertUser(user) }
        let room = Room(name: "hall", members: [writer.id, reader.id])
        try await store.insertRoom(room)
        let now = Date()
        func message(_ index: Int, from user: User, age: TimeInterval) -> Message {
            let content = index == 12 ? "writer says, \"hi\"\nthere" : "\(user.username) says \(index)"
            return Message(
                roomID: room.id, roomName: room.name, senderID: user.id, senderName: user.username, content: content,
                timestamp: now.addingTimeInterval(-age + Double(index)))
        }
        let written = try await store.insertMessages((0..<30).map { message($0, from: writer, age: $0 < 10 ? 2 * 86_400 : 3_600) })
        let read = try await store.insertMessages((0..<5).map { message($0, from: reader, age: 1_800) })
        try await store.insertNotifications(written.map {
            ChatNotification(content: $0.content, senderID: writer.id, roomID: room.id, receiverID: reader.id, timestamp: $0.timestamp)
        })
        try await store.insertNotifications(read.map {
            ChatNotification(content: $0.content, senderID: reader.id, roomID: room.id, receiverID: writer.id, timestamp: $0.timestamp)
        })
        await store.close()
        return (writer, reader)
    }

    static func reader(_ dataDir: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"), configuration: configuration)
    }

    /// Each line of a JSON Lines text as an object.
    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try ModerationCLITests.object(String($0)) }
    }

    /// What a round trip must keep of each line.
    static func kept(_ line: [String: Any]) -> String {
        ["id", "seq", "sender_id", "content", "timestamp", "redacted"].map { "\(line[$0] ?? "-")" }.joined(separator: "|")
    }

    @Test("users export (live and archived, to a file atomically or to stdout), rooms export → rooms import into a fresh data dir (same ids, seq, times; a rerun adds 0), users erase (no content left, places kept, audited, rerun by id)")
    func lifecycle() async throws {
        let dataDir = Self.dataDir()
        let (writer, _) = try await Self.seed(dataDir)
        let store = ["--data-dir", dataDir]
        let archived = try await ChatctlProcess.run(["archive", "--older-than", "1d", "--json"] + store)
        #expect(archived.status == 0, "\(archived.stderr)")
        #expect(try ModerationCLITests.object(archived.stdout)["moved"] as? Int == 10, "\(archived.stdout)")

        // users export, to a file.
        let outDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-exports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let userFile = outDir.appendingPathComponent("writer.json").path
        let exported = try await ChatctlProcess.run(["users", "export", "writer", "--output", userFile, "--json"] + store)
        #expect(exported.status == 0, "\(exported.stderr)")
        let summary = try ModerationCLITests.object(exported.stdout)
        #expect(summary["output"] as? String == userFile && summary["userID"] as? String == writer.id.hex)
        let counts = try #require(summary["counts"] as? [String: Any])
        #expect(counts["rooms"] as? Int == 1 && counts["messages"] as? Int == 20 && counts["archivedMessages"] as? Int == 10, "\(counts)")
        #expect(counts["notifications"] as? Int == 5 && counts["bans"] as? Int == 0 && counts["mutes"] as? Int == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir.path) == ["writer.json"], "no temporary file left")
        let permissions = try FileManager.default.attributesOfItem(atPath: userFile)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let documentText = try String(contentsOfFile: userFile, encoding: .utf8)
        #expect(!documentText.contains(writer.passwordHash) && !documentText.contains("password"))
        let document = try ModerationCLITests.object(documentText)
        #expect((document["profile"] as? [String: Any])?["username"] as? String == "writer")
        let live = try #require(document["messages"] as? [[String: Any]])
        let old = try #require(document["archived_messages"] as? [[String: Any]])
        #expect(live.count == 20 && old.count == 10 && (document["notifications"] as? [Any])?.count == 5)
        #expect(old.compactMap { $0["content"] as? String } == (0..<10).map { "writer says \($0)" }, "the archive, oldest first")

        // users export, to stdout; --json needs --output.
        let piped = try await ChatctlProcess.run(["users", "export", writer.id.hex] + store)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect((try ModerationCLITests.object(piped.stdout)["messages"] as? [Any])?.count == 20)
        #expect(try await ChatctlProcess.run(["users", "export", "writer", "--json"] + store).status == 64)

        // rooms export, JSON Lines to a file and CSV to stdout.
        let roomFile = outDir.appendingPathComponent("hall.jsonl").path
        let roomExport = try await ChatctlProcess.run(["rooms", "export", "hall", "--include-archived", "--output", roomFile, "--json"] + store)
        #expect(roomExport.status == 0, "\(roomExport.stderr)")
        let roomSummary = try ModerationCLITests.object(roomExport.stdout)
        #expect(roomSummary["exported"] as? Int == 35 && roomSummary["live"] as? Int == 25 && roomSummary["archived"] as? Int == 10, "\(roomSummary)")
        let original = try Self.lines(try String(contentsOfFile: roomFile, encoding: .utf8))
        #expect(original.count == 35)
        let times = original.compactMap { $0["timestamp"] as? String }
        #expect(times == times.sorted() && times.count == 35, "oldest first")
        #expect(try await ChatctlProcess.run(["rooms", "export", "hall"] + store).stdout.split(separator: "\n").count == 25, "the archive only when asked")
        let csv = try await ChatctlProcess.run(["rooms", "export", "hall", "--include-archived", "--format", "csv", "--from", "3d"] + store)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.hasPrefix("id,seq,room,sender_id,sender,content,timestamp,redacted\r\n"))
        #expect(csv.stdout.contains(",\"writer says, \"\"hi\"\"\nthere\","), "RFC 4180 quoting")
        #expect(csv.stdout.components(separatedBy: "\r\n").count == 1 + 35 + 1)
        #expect(try await ChatctlProcess.run(["rooms", "export", "hall", "--format", "xml"] + store).status == 64)

        // rooms import into a fresh data dir: unknown senders refused, then allowed; a rerun adds nothing.
        let fresh = ["--data-dir", Self.dataDir()]
        #expect(try await ChatctlProcess.run(["rooms", "create", "hall"] + fresh).status == 0)
        let refused = try await ChatctlProcess.run(["rooms", "import", "hall", roomFile] + fresh)
        #expect(refused.status == 1 && refused.stderr.contains("line 1:") && refused.stderr.contains("is not a user here"), "\(refused.stderr)")
        let imported = try await ChatctlProcess.run(["rooms", "import", "hall", roomFile, "--allow-unknown-senders", "--batch-size", "10", "--json"] + fresh)
        #expect(imported.status == 0, "\(imported.stderr)")
        let importReport = try ModerationCLITests.object(imported.stdout)
        #expect(importReport["read"] as? Int == 35 && importReport["added"] as? Int == 35 && importReport["alreadyPresent"] as? Int == 0, "\(importReport)")
        #expect(importReport["batches"] as? Int == 4 && importReport["unknownSenders"] as? Int == 35)
        let rerun = try ModerationCLITests.object(try await ChatctlProcess.run(["rooms", "import", "hall", roomFile, "--allow-unknown-senders", "--json"] + fresh).stdout)
        #expect(rerun["added"] as? Int == 0 && rerun["alreadyPresent"] as? Int == 35, "\(rerun)")
        let copy = try Self.lines(try await ChatctlProcess.run(["rooms", "export", "hall"] + fresh).stdout)
        #expect(copy.map(Self.kept) == original.map(Self.kept), "same ids, seq, times, content")
        let freshRecords = try ModerationCLITests.records(try await ChatctlProcess.run(["audit", "list", "--json"] + fresh))
        #expect(freshRecords.compactMap { $0["command"] as? String } == ["rooms import", "rooms import", "rooms import", "rooms create"])
        #expect(freshRecords.map { $0["outcome"] as? String } == ["ok", "ok", "error", "ok"])
        #expect(try await ChatctlProcess.run(["rooms", "import", "nowhere", roomFile] + fresh).stderr.contains("room 'nowhere' does not exist"))

        // users erase.
        let sqlite = try Self.reader(dataDir)
        let places = try await sqlite.read { db in
            try String.fetchAll(
                db, sql: "SELECT id || ':' || seq FROM messages WHERE sender_id = ?1 UNION ALL SELECT id || ':' || seq FROM archived_messages WHERE sender_id = ?1 ORDER BY 1",
                arguments: [writer.id.hex])
        }
        #expect(places.count == 30)
        let unconfirmed = try await ChatctlProcess.run(["users", "erase", "writer"] + store)
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("pass --yes"), "\(unconfirmed.stderr)")
        let erased = try await ChatctlProcess.run(["users", "erase", "writer", "--yes", "--json"] + store)
        #expect(erased.status == 0, "\(erased.stderr)")
        let report = try ModerationCLITests.object(erased.stdout)
        #expect(report["messagesRedacted"] as? Int == 30 && report["accountDeleted"] as? Bool == true && report["notificationsDeleted"] as? Int == 5, "\(report)")
        #expect(report["notificationsRedacted"] as? Int == 30 && report["membershipsRemoved"] as? Int == 1)

        let left = try await sqlite.read { db -> [String: Int] in
            var counts: [String: Int] = [:]
            let queries = [
                "content": """
                    SELECT (SELECT COUNT(*) FROM messages WHERE content LIKE '%writer says%')
                         + (SELECT COUNT(*) FROM archived_messages WHERE content LIKE '%writer says%')
                         + (SELECT COUNT(*) FROM notifications WHERE content LIKE '%writer says%')
                    """,
                "unredacted": """
                    SELECT (SELECT COUNT(*) FROM messages WHERE sender_id = ?1 AND (content <> '' OR redacted_at IS NULL))
                         + (SELECT COUNT(*) FROM archived_messages WHERE sender_id = ?1 AND (content <> '' OR redacted_at IS NULL))
                    """,
                "received": "SELECT COUNT(*) FROM notifications WHERE receiver_id = ?1",
                "account": "SELECT COUNT(*) FROM clients WHERE id = ?1",
                "memberships": "SELECT COUNT(*) FROM room_members WHERE user_id = ?1",
                "sessionEnds": "SELECT COUNT(*) FROM session_ends WHERE user_id = ?1",
                "othersKept": "SELECT COUNT(*) FROM messages WHERE content LIKE 'reader says%'",
            ]
            for (name, sql) in queries {
                let arguments: StatementArguments = sql.contains("?1") ? [writer.id.hex] : []
                counts[name] = try Int.fetchOne(db, sql: sql, arguments: arguments) ?? -1
            }
            return counts
        }
        #expect(left["content"] == 0 && left["unredacted"] == 0 && left["received"] == 0, "no content of the user anywhere: \(left)")
        #expect(left["account"] == 0 && left["memberships"] == 0 && (left["sessionEnds"] ?? 0) >= 2 && left["othersKept"] == 5, "\(left)")
        let placesAfter = try await sqlite.read { db in
            try String.fetchAll(
                db, sql: "SELECT id || ':' || seq FROM messages WHERE sender_id = ?1 UNION ALL SELECT id || ':' || seq FROM archived_messages WHERE sender_id = ?1 ORDER BY 1",
                arguments: [writer.id.hex])
        }
        #expect(placesAfter == places, "every message keeps its id and seq")

        let records = try ModerationCLITests.records(try await ChatctlProcess.run(["audit", "list", "--json"] + store))
        #expect(records.compactMap { $0["command"] as? String }.prefix(2) == ["users erase", "users erase"], "\(records)")
        #expect(records.prefix(2).map { $0["outcome"] as? String } == ["ok", "error"], "the unconfirmed attempt too")
        let arguments = try #require(records.first?["arguments"] as? [String: Any])
        #expect(records.first?["target"] as? String == "writer" && arguments["user_id"] as? String == writer.id.hex)
        #expect(arguments["found_live"] as? String == "20" && arguments["found_archived"] as? String == "10" && arguments["account"] as? String == "present")

        // Rerun by id: nothing left to do; the account is gone for every other command.
        let again = try await ChatctlProcess.run(["users", "erase", writer.id.hex, "--yes", "--json"] + store)
        #expect(again.status == 0, "\(again.stderr)")
        let nothing = try ModerationCLITests.object(again.stdout)
        #expect(nothing["messagesRedacted"] as? Int == 0 && nothing["accountDeleted"] as? Bool == false, "\(nothing)")
        let gone = try await ChatctlProcess.run(["users", "export", "writer"] + store)
        #expect(gone.status == 1 && gone.stderr.contains("user 'writer' does not exist"), "\(gone.stderr)")
        let ghost = try await ChatctlProcess.run(["users", "erase", "ghost", "--yes"] + store)
        #expect(ghost.status == 1 && ghost.stderr.contains("user 'ghost' does not exist"), "\(ghost.stderr)")
    }
}
