import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import HTTPTypes
import MongoKit
import Testing

@Suite("backend failures: clear errors, nothing crashes")
struct BackendFailureTests {
    @Test("a dead MongoDB: REST answers 503 with a JSON error naming no internals; the service stays up")
    func deadMongo() async throws {
        let store = try MongoChatStore(
            uri: "mongodb://127.0.0.1:9/?appname=dead",
            database: "chat_app",
            options: .init(poolSize: 2, serverSelectionTimeout: .milliseconds(300), connectTimeout: .milliseconds(300)))
        try await LiveChat.run(ports: await ChatPorts.inMemory(store: store, logLevel: .warning)) { chat in
            let signup = try await chat.post("/api/user/signup/", ["username": "ghost", "email": "g@example.com", "password": "correct horse"])
            #expect(signup.status == .serviceUnavailable)
            let body = LiveChat.decode(signup)
            #expect(body["error"] as? String == "the database is unavailable; try again later")
            let login = try await chat.post("/api/user/login/", ["username": "ghost", "password": "correct horse"])
            #expect(login.status == .serviceUnavailable)
            #expect(!String(buffer: login.body).contains("127.0.0.1"))
            #expect(try await chat.get("/healthz").status == .ok)
        }
        await store.close()
    }

    @Test("a failed message write: the sender gets an error frame, nobody gets the message, the socket stays open")
    func failedWrite() async throws {
        try await LiveChat.run(ports: await ChatPorts.inMemory(store: FailingMessageStore(), logLevel: .warning)) { chat in
            let token = try await chat.user("quinn")
            _ = try await chat.createRoom("fragile", token: token)
            let sender = chat.socket(room: "fragile", token: token)
            let other = chat.socket(room: "fragile", token: token)
            _ = try await sender.nextArray()
            _ = try await other.nextArray()
            for _ in 0..<2 {
                sender.send(#"{"type":"message","content":"will not store"}"#)
                #expect(try await sender.nextObject()["error"] as? String == "the database is unavailable; try again later")
            }
            // A broadcast of an unstored message would have reached `other` before the sender's
            // error frame: the server's answer to a binary frame, queued behind anything the
            // room handed to `other`, comes with nothing ahead of it.
            #expect(try await other.framesBeforeBinaryAnswer() == [])
            #expect(try await other.expectSilence(seconds: 0.3) == nil)
            await sender.close()
            await other.close()
        }
    }
}
