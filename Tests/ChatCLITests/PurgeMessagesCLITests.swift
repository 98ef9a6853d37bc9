import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import GRDB
import Testing

@Suite("chatctl users purge-messages")
struct PurgeMessagesCLITests {
    /// The embedded default's store in `dataDir` with spammer's 5,000 messages (alternating
    /// rooms flood and calm, one second apart; the oldest 1,000 archived) and bystander's 300.
    static func seed(_ dataDir: String) async throws -> (spammer: User, bystander: User) {
        let store = try await SQLiteChatStore.open(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"))
        let spammer = User(username: "spammer", email: "spammer@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
        let bystander = User(username: "bystander", email: "bystander@example.com", passwordHash: "$2a$10$abcdefghijklmnopqrstuv")
        for user in [spammer, bystander] { try await store.insertUser(user) }
        let rooms = [Room(name: "flood", members: [spammer.id, bystander.id]), Room(name: "calm", members: [spammer.id, bystander.id])]
        for room in rooms { try await store.insertRoom(room) }
        let base = Date().addingTimeInterval(-86_400)
        func message(_ index: Int, from user: User) -> Message {
            let room = rooms[index % 2]
            return Message(
                roomID: room.id, roomName: room.name, senderID: user.id, senderName: user.username, content: "\(user.username) \(index)",
                timestamp: base.addingTimeInterval(Double(index)))
        }
        let spam = try await store.insertMessages((0..<5_000).map { message($0, from: spammer) })
        _ = try await store.insertMessages((0..<300).map { message($0, from: bystander) })
        let oldest = Array(spam.prefix(1_000))
        try await store.copyToArchive(oldest)
        _ = try await store.deleteMessages(ids: oldest.map(\.id))
        await store.close()
        return (spammer, bystander)
    }

    /// A connection of the test's own to the store, read beside the running command.
    static func reader(_ dataDir: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: (dataDir as NSString).appendingPathComponent("chatctl.sqlite"), configuration: configuration)
    }

    /// The user's messages left, live plus archived.
    static func remaining(_ reader: DatabaseQueue, sender: ObjectID) async throws -> Int {
        try await reader.read { db in
            try Int.fetchOne(
                db, sql: "SELECT (SELECT COUNT(*) FROM messages WHERE sender_id = ?) + (SELECT COUNT(*) FROM archived_messages WHERE sender_id = ?)",
                arguments: [sender.hex, sender.hex]) ?? 0
        }
    }

    /// The message ids of every `deleted` notice the chat nodes were given, one list per notice.
    static func toldIDs(_ reader: DatabaseQueue) async throws -> [[String]] {
        try await reader.read { db in
            try String.fetchAll(db, sql: "SELECT message_ids FROM moderation_notices WHERE kind = 'deleted'")
                .map { $0.split(separator: " ").map(String.init) }
        }
    }

    @Test("5,000 messages of one user, live and archived, purged in batches, killed midway and rerun: each purged once in whole batches, each told once, others untouched; dry run and --json; one audit record per finished attempt")
    func killedAndRerun() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-purge-\(UUID().uuidString)").path
        let (spammer, bystander) = try await Self.seed(dataDir)
        let store = ["--data-dir", dataDir]
        let reader = try Self.reader(dataDir)

        let dry = try await ChatctlProcess.run(["users", "purge-messages", "spammer", "--dry-run", "--json"] + store)
        #expect(dry.status == 0, "\(dry.stderr)")
        let counted = try ModerationCLITests.object(dry.stdout)
        let dryFound = try #require(counted["found"] as? [String: Any])
        #expect(counted["dryRun"] as? Bool == true && counted["purged"] as? Int == 0 && counted["kind"] as? String == "deleted")
        #expect(dryFound["live"] as? Int == 4_000 && dryFound["archived"] as? Int == 1_000, "\(dry.stdout)")
        let human = try await ChatctlProcess.run(["users", "purge-messages", "spammer", "--room", "calm", "--redact", "--dry-run"] + store)
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("spammer: 2500 messages to redact (2000 live, 500 archived)") && human.stdout.contains("dry run: nothing changed"), "\(human.stdout)")
        #expect(try await Self.remaining(reader, sender: spammer.id) == 5_000, "the dry runs changed nothing")

        let unconfirmed = try await ChatctlProcess.run(["users", "purge-messages", "spammer"] + store)
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("pass --yes"), "\(unconfirmed.stderr)")

        // Batches of 100, 100 ms apart: killed once the first one is gone from the store.
        let killed = try ChatctlProcess(["users", "purge-messages", "spammer", "--batch-size", "100", "--pause-ms", "100", "--yes"] + store)
        let deadline = ContinuousClock.now + .seconds(Patience.seconds)
        var left = 5_000
        while left == 5_000, killed.process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            left = try await Self.remaining(reader, sender: spammer.id)
        }
        killed.kill9()
        _ = try await killed.waitForExit()
        left = try await Self.remaining(reader, sender: spammer.id)
        #expect(left > 0 && left < 5_000, "killed midway: \(left) left; stderr:\n\(killed.stderr)")
        #expect(left % 100 == 0, "whole batches only: \(left) left")

        let rerun = try await ChatctlProcess.run(["users", "purge-messages", "spammer", "--pause-ms", "0", "--yes", "--json"] + store)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let summary = try ModerationCLITests.object(rerun.stdout)
        let found = try #require(summary["found"] as? [String: Any])
        let foundLive = try #require(found["live"] as? Int), foundArchived = try #require(found["archived"] as? Int)
        #expect(foundLive + foundArchived == left, "the rerun found what the kill left")
        #expect(summary["purged"] as? Int == left && summary["dryRun"] as? Bool == false && summary["user"] as? String == "spammer")
        let batches = try #require(summary["batches"] as? Int)
        #expect(batches >= 1 && summary["notices"] as? Int == 2 * batches, "one notice per room per batch: \(summary)")
        #expect(try await Self.remaining(reader, sender: spammer.id) == 0)
        #expect(try await Self.remaining(reader, sender: bystander.id) == 300, "others untouched")

        let told = try await Self.toldIDs(reader)
        let ids = told.flatMap { $0 }
        #expect(ids.count == Set(ids).count, "no message told twice")
        #expect(ids.count >= 4_900 && ids.count <= 5_000, "every batch told, but perhaps the one the kill cut short: \(ids.count)")
        #expect(told.allSatisfy { !$0.isEmpty && $0.count <= 1_000 })

        let records = try ModerationCLITests.records(try await ChatctlProcess.run(["audit", "list", "--json"] + store))
        #expect(records.compactMap { $0["command"] as? String } == ["users purge-messages", "users purge-messages"], "dry runs and the killed run recorded nothing: \(records)")
        #expect(records.map { $0["outcome"] as? String } == ["ok", "error"])
        #expect(records.allSatisfy { $0["target"] as? String == "spammer" })
        let arguments = try #require(records.first?["arguments"] as? [String: Any])
        #expect(arguments["found_live"] as? String == "\(foundLive)" && arguments["found_archived"] as? String == "\(foundArchived)")
        #expect(arguments["mode"] as? String == "delete" && arguments["batch_size"] as? String == "1000")

        let nothing = try await ChatctlProcess.run(["users", "purge-messages", "spammer", "--yes"] + store)
        #expect(nothing.status == 0 && nothing.stdout.contains("spammer: 0 messages to delete"), "\(nothing.stdout)\(nothing.stderr)")
        #expect(try await ChatctlProcess.run(["users", "purge-messages", "spammer", "--since", "yesterday"] + store).status == 64)
        #expect(try await ChatctlProcess.run(["users", "purge-messages", "spammer", "--since", "1h", "--until", "2h"] + store).status == 64)
        let ghost = try await ChatctlProcess.run(["users", "purge-messages", "ghost", "--yes"] + store)
        #expect(ghost.status == 1 && ghost.stderr.contains("user 'ghost' does not exist"), "\(ghost.stderr)")
    }
}
