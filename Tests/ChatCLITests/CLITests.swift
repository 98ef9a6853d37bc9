import ChatTestSupport
import Foundation
import MongoKit
import Testing

@Suite("chatctl as a subprocess")
struct CLITests {
    @Test("--version prints the version")
    func version() async throws {
        let result = try await ChatctlProcess.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test("an unknown option is a usage error (exit 64)")
    func usageError() async throws {
        let result = try await ChatctlProcess.run(["serve", "chat", "--no-such-flag"])
        #expect(result.status == 64)
    }

    @Test("config show --json: every setting, secrets redacted, provenance per layer")
    func configShowJSON() async throws {
        let result = try await ChatctlProcess.run(
            ["config", "show", "--json", "--data-dir", "/tmp/from-flag"],
            environment: ["SECRET_KEY": "very-secret-value", "CHATCTL_CHAT_PORT": "9100", "MONGO_URI": "mongodb://app:hunter2@db:27017/"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("very-secret-value"))
        #expect(!result.stdout.contains("hunter2"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let settings = try #require(document["settings"] as? [[String: Any]])
        func row(_ key: String) -> [String: Any]? { settings.first { $0["key"] as? String == key } }
        #expect(row("chat.port")?["value"] as? String == "9100")
        #expect(row("chat.port")?["source"] as? String == "environment")
        #expect(row("chat.port")?["origin"] as? String == "CHATCTL_CHAT_PORT")
        #expect(row("data_dir")?["source"] as? String == "flag")
        #expect(row("secret_key")?["value"] as? String == "<redacted>")
        #expect(row("secret_key")?["origin"] as? String == "SECRET_KEY")
        #expect(row("mongo.uri")?["value"] as? String == "mongodb://app:<redacted>@db:27017/")
        #expect(row("chat.host")?["source"] as? String == "default")
    }

    @Test("a config file (JSON or YAML) sits below the environment")
    func configFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let json = directory.appendingPathComponent("config.json")
        try #"{"chat": {"port": 8123, "host": "127.0.0.1"}, "secret_key": "from-file"}"#.write(to: json, atomically: true, encoding: .utf8)
        let yaml = directory.appendingPathComponent("config.yaml")
        try "chat:\n  port: 8124\nsecret_key: from-yaml\n".write(to: yaml, atomically: true, encoding: .utf8)

        let fromJSON = try await ChatctlProcess.run(["config", "show", "--explain", "--config", json.path])
        #expect(fromJSON.status == 0)
        #expect(fromJSON.stdout.contains("8123"))
        #expect(fromJSON.stdout.contains("[file: \(json.path)]"))
        let fromYAML = try await ChatctlProcess.run(["config", "show", "--config", yaml.path], environment: ["CHATCTL_CHAT_PORT": "9999"])
        #expect(fromYAML.stdout.contains("9999"))
        #expect(!fromYAML.stdout.contains("8124"))
        let check = try await ChatctlProcess.run(["config", "check", yaml.path])
        #expect(check.status == 0)
    }

    @Test("config check exits 1 naming the bad key")
    func configCheckBadKey() async throws {
        let badPort = try await ChatctlProcess.run(["config", "check"], environment: ["SECRET_KEY": "s", "CHATCTL_CHAT_PORT": "eighty"])
        #expect(badPort.status == 1)
        #expect(badPort.stderr.contains("chat.port"))
        let noSecret = try await ChatctlProcess.run(["config", "check"])
        #expect(noSecret.status == 1)
        #expect(noSecret.stderr.contains("secret_key"))
        let badOrigin = try await ChatctlProcess.run(
            ["config", "check"], environment: ["SECRET_KEY": "s", "CHATCTL_WEBSOCKET_ALLOWED_ORIGINS": "https://ok.example, chat.example.com/app"])
        #expect(badOrigin.status == 1)
        #expect(badOrigin.stderr.contains("websocket.allowed_origins") && badOrigin.stderr.contains("chat.example.com/app"))
        let goodOrigins = try await ChatctlProcess.run(
            ["config", "check"], environment: ["SECRET_KEY": "s", "CHATCTL_WEBSOCKET_ALLOWED_ORIGINS": "https://ok.example, http://localhost:3000"])
        #expect(goodOrigins.status == 0, "\(goodOrigins.stderr)")
    }

    @Test("serve refuses to start without a secret unless --dev")
    func serveNeedsSecret() async throws {
        let result = try await ChatctlProcess.run(["serve", "chat", "--port", "0"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("SECRET_KEY"))
        #expect(result.stderr.contains("--dev"))
    }

    @Test("serve refuses a malformed RabbitMQ URL, naming the setting and hiding the password")
    func serveRefusesBadRabbitMQURL() async throws {
        let result = try await ChatctlProcess.run(
            ["serve", "chat", "--port", "0"], environment: ["SECRET_KEY": "s", "RABBITMQ_URL": "http://user:hunter2@localhost"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("rabbitmq.url"))
        #expect(!result.stderr.contains("hunter2"))
    }

    @Test("serve all --dev: prints a generated secret, creates the SQLite store, answers signup, stops on SIGTERM")
    func serveAllDev() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-serve-\(UUID().uuidString)")
        let server = try ChatctlProcess(["serve", "all", "--dev", "--host", "127.0.0.1", "--port", "0", "--notify-port", "0", "--data-dir", dataDir.path])
        defer { server.stop() }
        let port = try await server.waitForListeningPort()
        let secret = try await server.waitForLog(#"SECRET_KEY=([0-9a-f]{64})"#)
        #expect(secret.count == 64)
        #expect(FileManager.default.fileExists(atPath: dataDir.appendingPathComponent("chatctl.sqlite").path))

        let (signup, _) = try await TestHTTP.request(
            "POST", "http://127.0.0.1:\(port)/api/user/signup/", ["username": "cliuser", "email": "cli@example.com", "password": "correct horse"])
        #expect(signup == 201)

        server.stop()
        #expect(try await server.waitForExit() == 0)
        #expect(server.stderr.contains("stopped"))
    }
}

@Suite("chatctl db")
struct DatabaseCLITests {
    @Test("ensure-indexes on SQLite says there is nothing to do")
    func sqlite() async throws {
        let result = try await ChatctlProcess.run(["db", "ensure-indexes", "--json"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["store"] as? String == "sqlite")
        #expect((report["indexes"] as? [Any])?.isEmpty == true)
    }

    /// The layout's eighteen indexes, by collection (the Go collections', then chatctl's own).
    static let layoutIndexes: [String: [String]] = [
        "clients": ["email_unique", "username_unique"],
        "rooms": ["members", "name_unique"],
        "messages": ["room_id_seq", "room_id_timestamp", "sender_id_timestamp", "timestamp"],
        "archived_messages": ["room_id_timestamp", "sender_id_timestamp"],
        "notifications": ["receiver_seen_timestamp"],
        "chatctl_session_ends": ["at"],
        "chatctl_client_ids": ["at_ttl"],
        "chatctl_pending_events": ["since"],
        "chatctl_moderation_notices": ["at"],
        "chatctl_audit_log": ["at"],
        "chatctl_room_mutes": ["room_id", "user_id"],
    ]

    @Test("ensure-indexes on MongoDB creates the layout's eighteen indexes (the server lists them), twice without harm",
          .enabled(if: MongoTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason)))
    func mongo() async throws {
        let uri = try MongoTestServer.requireURI(), database = MongoTestServer.freshDatabase()
        let environment = ["MONGO_URI": uri, "DATABASE_NAME": database]
        for _ in 0..<2 {
            let result = try await ChatctlProcess.run(["db", "ensure-indexes", "--json"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(report["store"] as? String == "mongodb")
            let names = (report["indexes"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == [
                "username_unique", "email_unique", "name_unique", "members", "room_id_timestamp", "timestamp", "room_id_seq",
                "sender_id_timestamp", "sender_id_timestamp", "room_id_timestamp",
                "receiver_seen_timestamp", "at", "at_ttl", "since", "at", "at", "room_id", "user_id",
            ])
            // The report echoes the code's own list; what counts is what the server has.
            #expect(try await Self.storedIndexes(uri: uri, database: database) == Self.layoutIndexes)
        }
    }

    /// The names of the indexes the server lists (`listIndexes`) on each of the layout's
    /// collections, sorted, without the `_id_` index every collection has.
    static func storedIndexes(uri: String, database: String) async throws -> [String: [String]] {
        let client = try MongoClient(uri: uri)
        var stored: [String: [String]] = [:]
        do {
            for collection in layoutIndexes.keys {
                stored[collection] = try await client.collection(collection, database: database).indexNames().filter { $0 != "_id_" }.sorted()
            }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        return stored
    }

    @Test("a dead MongoDB: exit 1 with a clear message, the password redacted")
    func deadMongo() async throws {
        let result = try await ChatctlProcess.run(
            ["db", "ensure-indexes"], environment: ["MONGO_URI": "mongodb://app:hunter2@127.0.0.1:9/?serverSelectionTimeoutMS=300"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot ensure MongoDB indexes"))
        #expect(!result.stderr.contains("hunter2"))
    }
}
