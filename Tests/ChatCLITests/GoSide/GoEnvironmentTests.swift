import ChatTestSupport
import Foundation
import MongoKit
import Testing

/// A chatctl started with the Go repository's `.env` (`DATABASE_NAME=chatapp`, RabbitMQ
/// credentials but no URL, since the Go code hard-codes both) says what is wrong.
@Suite("beside the Go services: the Go .env's traps", .enabled(if: MongoTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason)))
struct GoEnvironmentTests {
    @Test("an empty configured database while chat_app has data, and RabbitMQ credentials without a URL: warned at start-up and by doctor")
    func goEnvFile() async throws {
        let uri = try MongoTestServer.requireURI()
        let mongo = try MongoClient(uri: uri)
        // The Go services' data, where their code puts it.
        let probe = BSONObjectID(bytes: (0..<12).map { _ in UInt8.random(in: 0...255) })
        try await mongo.collection("clients", database: "chat_app").insertOne([
            "_id": .objectID(probe), "username": .string("go-env-\(probe)"), "email": .string("\(probe)@example.com"),
            "password_hash": .string("$2a$10$abcdefghijklmnopqrstuv"), "created_at": .date(0),
        ])
        do {
            try await Self.check(uri: uri)
        } catch {
            _ = try? await mongo.collection("clients", database: "chat_app").delete(["_id": .objectID(probe)])
            await mongo.close()
            throw error
        }
        _ = try await mongo.collection("clients", database: "chat_app").delete(["_id": .objectID(probe)])
        await mongo.close()
    }

    static func check(uri: String) async throws {
        let environment = [
            "SECRET_KEY": "go-env-secret-0123456789abcdef0123", "MONGO_URI": uri, "DATABASE_NAME": "chatapp_\(UUID().uuidString.prefix(8).lowercased())",
            "RABBITMQ_USERNAME": "guest", "RABBITMQ_PASSWORD": "guest",
        ]
        let doctor = try await ChatctlProcess.run(["doctor", "--json"], environment: environment)
        #expect(doctor.status == 0, "warnings never fail doctor: \(doctor.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [String: Any])
        let store = try #require((report["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "store" })
        let warnings = store["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("is empty but 'chat_app' has users or rooms") && $0.contains("DATABASE_NAME=chat_app") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("RABBITMQ_URL") && $0.contains("no message events are published") }, "\(warnings)")
        let table = try await ChatctlProcess.run(["doctor"], environment: environment)
        #expect(table.stdout.contains("warning: database 'chatapp_"), "\(table.stdout)")

        let server = try ChatctlProcess(["serve", "chat", "--host", "127.0.0.1", "--port", "0"], environment: environment)
        defer { server.stop() }
        _ = try await server.waitForLog("is empty but 'chat_app' has users or rooms")
        _ = try await server.waitForLog("no message events are published")
    }
}
