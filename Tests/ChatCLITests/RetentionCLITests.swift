import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import GRDB
import Testing

@Suite("chatctl rooms set --archive-after/--retention, archive plan, archive run by the rooms' ages")
struct RetentionCLITests {
    typealias Fixture = LifecycleFixture

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A plan's or a run's rooms by the fixture's labels (`gone` for the deleted room).
    static func byLabel(_ rooms: Any?, _ fixture: Fixture) throws -> [String: [String: Any]] {
        let list = try #require(rooms as? [[String: Any]])
        var found: [String: [String: Any]] = [:]
        for room in list {
            let id = try #require(room["roomId"] as? String)
            guard let objectID = ObjectID(hex: id), let label = fixture.label(of: objectID) else { continue }
            found[label] = room
        }
        return found
    }

    /// `archive.messages` and `delete.messages` of each room, by label.
    static func counts(_ rooms: [String: [String: Any]]) -> (archive: [String: Int], delete: [String: Int]) {
        var archive: [String: Int] = [:]
        var delete: [String: Int] = [:]
        for (label, room) in rooms {
            archive[label] = (room["archive"] as? [String: Any])?["messages"] as? Int
            delete[label] = (room["delete"] as? [String: Any])?["messages"] as? Int
        }
        return (archive, delete)
    }

    @Test("rooms set and show the lifecycle; archive plan --json is what the following run does; a store refusing deletes makes the run exit 1 naming the room; the CLI and a scheduler exclude each other through the store's lease")
    func operatorFlow() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-retention-\(UUID().uuidString)").path
        let path = (dataDir as NSString).appendingPathComponent("chatctl.sqlite")
        let seeded = try await SQLiteChatStore.open(path: path)
        let fixture = try await Fixture.seed(seeded, withRules: false)
        await seeded.close()
        let environment = ["CHATCTL_RETENTION_DEFAULT": "60d"]
        func chatctl(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await ChatctlProcess.run(arguments + ["--data-dir", dataDir], environment: environment)
        }
        let fastName = try #require(fixture.rooms["fast"]).name, keepName = try #require(fixture.rooms["keep"]).name
        let shortName = try #require(fixture.rooms["short"]).name, plainName = try #require(fixture.rooms["plain"]).name

        // rooms set: the room's own archive age and retention.
        let fast = try await chatctl(["rooms", "set", fastName, "--archive-after", "7d", "--retention", "30d"])
        #expect(fast.status == 0 && fast.stdout.contains("archive after 7d, retention 30d"), "\(fast.stdout)\(fast.stderr)")
        let keep = try await chatctl(["rooms", "set", keepName, "--retention", "none", "--json"])
        #expect(keep.status == 0, "\(keep.stderr)")
        let keepRules = try #require(try Self.json(keep.stdout)["rules"] as? [String: Any])
        #expect(keepRules["retention"] as? String == "none" && keepRules["retentionSeconds"] == nil && keepRules["archiveAfterSeconds"] == nil)
        #expect(try await chatctl(["rooms", "set", shortName, "--retention", "5d"]).status == 0)
        let badAge = try await chatctl(["rooms", "set", plainName, "--archive-after", "12x"])
        #expect(badAge.status == 64 && badAge.stderr.contains("--archive-after"), "\(badAge.stderr)")
        let badRetention = try await chatctl(["rooms", "set", plainName, "--retention", "forever"])
        #expect(badRetention.status == 64 && badRetention.stderr.contains("--retention"), "\(badRetention.stderr)")

        // rooms show: the room's own values, and what applies with where it comes from.
        let shown = try Self.json(try await chatctl(["rooms", "show", fastName, "--json"]).stdout)
        let rules = try #require(shown["rules"] as? [String: Any])
        #expect(rules["archiveAfterSeconds"] as? Int == 604_800 && rules["retention"] as? String == "30d" && rules["retentionSeconds"] as? Int == 2_592_000)
        let applied = try #require(shown["lifecycle"] as? [String: Any])
        #expect(applied["archiveAfterSource"] as? String == "room" && applied["retentionSource"] as? String == "room")
        let plainText = try await chatctl(["rooms", "show", plainName])
        #expect(plainText.stdout.contains("lifecycle: archive after 30d (default), retention 60d (default)"), "\(plainText.stdout)")

        // The plan, per room; then the run does exactly that.
        let planned = try await chatctl(["archive", "plan", "--json"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let plan = try Self.json(planned.stdout)
        #expect(plan["archive"] as? Int == 15 && plan["delete"] as? Int == 9, "\(planned.stdout)")
        let planRooms = try Self.byLabel(plan["rooms"], fixture)
        let planCounts = Self.counts(planRooms)
        #expect(planCounts.archive == Fixture.plannedArchive && planCounts.delete == Fixture.plannedDelete, "\(planCounts)")
        let fastPlan = try #require(planRooms["fast"]?["archive"] as? [String: Any])
        #expect(fastPlan["oldestId"] as? String == fixture.messages["fast 100"]?.id.hex && fastPlan["newestId"] as? String == fixture.messages["fast 10"]?.id.hex)
        #expect(planRooms["gone"]?["room"] == nil, "a deleted room has no name")
        #expect((planRooms["keep"]?["lifecycle"] as? [String: Any])?["retention"] as? String == "none")
        let planText = try await chatctl(["archive", "plan"])
        #expect(planText.stdout.contains("15 messages to archive, 9 to delete") && planText.stdout.contains("nothing changed"), "\(planText.stdout)")

        let ran = try await chatctl(["archive", "--batch-size", "2", "--pause-ms", "0", "--json"])
        #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)")
        let run = try Self.json(ran.stdout)
        #expect(run["archived"] as? Int == 15 && run["deleted"] as? Int == 9 && (run["left"] as? [Any])?.isEmpty == true, "\(ran.stdout)")
        let runCounts = Self.counts(try Self.byLabel(run["rooms"], fixture))
        #expect(runCounts.archive == planCounts.archive && runCounts.delete == planCounts.delete, "every room of the plan, as planned: \(runCounts)")
        let after = try Self.json(try await chatctl(["archive", "plan", "--json"]).stdout)
        #expect(after["archive"] as? Int == 0 && after["delete"] as? Int == 0, "nothing due after the run")

        // A store that refuses deletes: the run counts again and exits 1 naming the room.
        #expect(try await chatctl(["rooms", "set", plainName, "--retention", "1d"]).status == 0)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let database = try DatabaseQueue(path: path, configuration: configuration)
        try await database.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse_archive_deletes BEFORE DELETE ON archived_messages BEGIN SELECT RAISE(IGNORE); END")
        }
        let refused = try await chatctl(["archive", "--json"])
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains(plainName) && refused.stderr.contains("0 to archive, 1 to delete"), "\(refused.stderr)")
        let refusedLeft = try Self.byLabel(try Self.json(refused.stdout)["left"], fixture)
        #expect(Array(refusedLeft.keys) == ["plain"] && Self.counts(refusedLeft).delete == ["plain": 1], "\(refused.stdout)")
        try await database.write { db in try db.execute(sql: "DROP TRIGGER refuse_archive_deletes") }
        let retried = try await chatctl(["archive"])
        #expect(retried.status == 0 && retried.stdout.contains("deleted 1"), "\(retried.stdout)\(retried.stderr)")

        // The archive lock is a lease in the store: held there, the CLI refuses to run and a
        // scheduler on the same store skips its run.
        let expiry = Date().addingTimeInterval(300).millisecondsSince1970
        try await database.write { db in
            try db.execute(sql: "INSERT INTO leases (name, token, expires_at) VALUES ('archive', 'someone-else', ?)", arguments: [expiry])
        }
        let locked = try await chatctl(["archive"])
        #expect(locked.status == 1 && locked.stderr.contains("archive lock"), "\(locked.stderr)")
        let lockedCutoff = try await chatctl(["archive", "--older-than", "1d"])
        #expect(lockedCutoff.status == 1 && lockedCutoff.stderr.contains("archive lock"), "\(lockedCutoff.stderr)")
        let scheduler = try ChatctlProcess(
            ["serve", "scheduler", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: environment.merging(["CHATCTL_SCHEDULER_ARCHIVE_EVERY": "1s", "CHATCTL_LOG_LEVEL": "info"]) { a, _ in a })
        defer { scheduler.stop() }
        _ = try await scheduler.waitForLog(#"msg="task skipped".*task=archive"#)
        scheduler.stop()
        #expect(try await scheduler.waitForExit() == 0)
        try await database.write { db in try db.execute(sql: "DELETE FROM leases WHERE name = 'archive'") }
        #expect(try await chatctl(["archive"]).status == 0)

        // A retention.default that is neither none nor a duration is refused, naming the key.
        let badDefault = try await ChatctlProcess.run(["config", "check"], environment: ["CHATCTL_RETENTION_DEFAULT": "forever"])
        #expect(badDefault.status == 1 && badDefault.stderr.contains("retention.default"), "\(badDefault.stderr)")
    }
}
