import ChatBackends
import ChatCore
import ChatServer
import ChatTestSupport
import Foundation
import HTTPTypes
import Testing

@Suite("WebSocket rooms over real sockets")
struct RoomSocketTests {
    @Test("both members receive a message with sender and id; a later joiner gets history newest first", arguments: TestStores.kinds)
    func broadcastAndHistory(kind: TestStores.Kind) async throws {
        try await LiveChat.run(ports: await ChatPorts.inMemory(store: try await TestStores.make(kind), logLevel: .warning)) { chat in
            let alice = try await chat.user("alice")
            let bob = try await chat.user("bob")
            _ = try await chat.createRoom("general", token: alice)

            let a = chat.socket(room: "general", token: alice)
            let b = chat.socket(room: "general", token: bob, viaQuery: true)
            #expect(try await a.nextArray().isEmpty)
            #expect(try await b.nextArray().isEmpty)

            a.send(#"{"type":"message","content":"first"}"#)
            for socket in [a, b] {
                let frame = try await socket.nextObject("first message")
                #expect(frame["type"] as? String == "message")
                #expect(frame["content"] as? String == "first")
                #expect(frame["sender"] as? String == "alice")
                #expect(frame["room"] as? String == "general")
                #expect((frame["id"] as? String)?.count == 24)
                #expect((frame["sender_id"] as? String)?.count == 24)
                #expect(frame["timestamp"] is String)
            }
            b.send(#"{"type":"message","content":"second"}"#)
            #expect(try await a.nextObject()["content"] as? String == "second")
            #expect(try await b.nextObject()["content"] as? String == "second")

            let carol = try await chat.user("carol")
            let c = chat.socket(room: "general", token: carol)
            let history = try await c.nextArray()
            #expect(history.map { $0["content"] as? String } == ["second", "first"])
            #expect(history.map { $0["sender"] as? String } == ["bob", "alice"])

            // Joining made carol a member of the room.
            let room = try #require(try await chat.ports.store.room(named: "general"))
            let carolID = try #require(try await chat.ports.store.user(named: "carol")).id
            #expect(room.members.contains(carolID))
            for socket in [a, b, c] { await socket.close() }
        }
    }

    @Test("a burst of 200 frames from one socket is stored and broadcast once each, in the order sent (reading pauses while posts queue up)")
    func burstKeepsOrder() async throws {
        let settings = ChatServerSettings.testing { $0.messageRateLimit = 0 }
        try await LiveChat.run(settings: settings) { chat in
            let token = try await chat.user("bursty")
            let listenerToken = try await chat.user("listener")
            _ = try await chat.createRoom("burst", token: token)
            let sender = chat.socket(room: "burst", token: token)
            let listener = chat.socket(room: "burst", token: listenerToken)
            _ = try await sender.nextArray()
            _ = try await listener.nextArray()
            let count = 200
            for index in 0..<count { sender.send(#"{"type":"message","content":"m\#(index)"}"#) }
            for socket in [listener, sender] {
                var contents: [String] = []
                for _ in 0..<count { contents.append(try await socket.nextObject()["content"] as? String ?? "?") }
                #expect(contents == (0..<count).map { "m\($0)" })
            }
            let room = try #require(try await chat.ports.store.room(named: "burst"))
            #expect(try await chat.ports.store.messageCounts(room: room.id).live == count)
            for socket in [sender, listener] { await socket.close() }
        }
    }

    @Test("a member of another room receives nothing")
    func otherRoomIsolated() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("ivan")
            _ = try await chat.createRoom("one", token: token)
            _ = try await chat.createRoom("two", token: token)
            let inOne = chat.socket(room: "one", token: token)
            let inTwo = chat.socket(room: "two", token: token)
            _ = try await inOne.nextArray()
            _ = try await inTwo.nextArray()
            inOne.send(#"{"type":"message","content":"only for one"}"#)
            #expect(try await inOne.nextObject()["content"] as? String == "only for one")
            // The room would have handed the message to inTwo before inOne's copy came back:
            // the server's answer to a binary frame, queued behind it, comes with nothing ahead.
            #expect(try await inTwo.framesBeforeBinaryAnswer() == [])
            #expect(try await inTwo.expectSilence(seconds: 0.5) == nil)
            await inOne.close()
            await inTwo.close()
        }
    }

    struct BadFrame: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: String
        var mentions: String
        var testDescription: String { name }
    }

    static let badFrames: [BadFrame] = [
        BadFrame(name: "not JSON", frame: "not json", mentions: "frame"),
        BadFrame(name: "no content", frame: #"{"type":"message"}"#, mentions: "content"),
        BadFrame(name: "content not a string", frame: #"{"type":"message","content":42}"#, mentions: "content"),
        BadFrame(name: "unknown type", frame: #"{"type":"shout","content":"hi"}"#, mentions: "type"),
        BadFrame(name: "no type", frame: #"{"content":"hi"}"#, mentions: "type"),
        BadFrame(name: "blank content", frame: #"{"type":"message","content":"   "}"#, mentions: "content"),
        BadFrame(name: "content over 4 KiB", frame: #"{"type":"message","content":"\#(String(repeating: "x", count: 4097))"}"#, mentions: "4096"),
    ]

    @Test("bad frames get an error frame and the socket keeps working", arguments: badFrames)
    func badFrame(bad: BadFrame) async throws {
        let frame = bad.frame, mentions = bad.mentions
        try await LiveChat.run { chat in
            let token = try await chat.user("judy")
            _ = try await chat.createRoom("errors", token: token)
            let socket = chat.socket(room: "errors", token: token)
            _ = try await socket.nextArray()
            socket.send(frame)
            let error = try #require(try await socket.nextObject("error frame")["error"] as? String)
            #expect(error.contains(mentions))
            socket.send(#"{"type":"message","content":"still here"}"#)
            #expect(try await socket.nextObject()["content"] as? String == "still here")
            await socket.close()
        }
    }

    @Test("a binary frame gets an error frame")
    func binaryFrame() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("kate")
            _ = try await chat.createRoom("bin", token: token)
            let socket = chat.socket(room: "bin", token: token)
            _ = try await socket.nextArray()
            socket.sendBinary([1, 2, 3])
            #expect((try await socket.nextObject()["error"] as? String)?.contains("binary") == true)
            await socket.close()
        }
    }

    @Test("a frame over 64 KiB is refused by closing the socket (1009)")
    func oversizeFrame() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("leo")
            _ = try await chat.createRoom("big", token: token)
            let socket = chat.socket(room: "big", token: token)
            _ = try await socket.nextArray()
            socket.send(String(repeating: "y", count: 70 * 1024))
            await #expect(throws: TestSocket.Failure.self) { _ = try await socket.next("nothing after oversize", seconds: 5) }
            let close = try? await socket.closed.value
            #expect(close?.closeCode == .messageTooLarge)
            // Nothing of it was stored.
            let room = try #require(try await chat.ports.store.room(named: "big"))
            #expect(try await chat.ports.store.recentMessages(inRoom: room.id, limit: 5).isEmpty)
        }
    }

    @Test("joining an unknown room is refused with 400 before the upgrade")
    func unknownRoom() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("mallory")
            _ = try await chat.createRoom("elsewhere", token: token)
            let refusal = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=nowhere", token: token)
            #expect(refusal.status == 400)
            #expect(refusal.body == "room does not exist")
            let accepted = try await RawUpgrade.attempt(port: chat.port, path: "/ws/join/?name=elsewhere", token: token)
            #expect(accepted.status == 101)
            let plainGet = try await chat.get("/ws/join/?name=nowhere", token: token)
            #expect(plainGet.status == .badRequest)
            let socket = chat.socket(room: "nowhere", token: token)
            await #expect(throws: (any Error).self) { _ = try await socket.closed.value }
        }
    }

    @Test("a slow socket that never reads is closed; the room keeps flowing")
    func slowSocketDropped() async throws {
        let settings = ChatServerTestSettings.smallBuffers
        try await LiveChat.run(settings: settings) { chat in
            let token = try await chat.user("nina")
            _ = try await chat.createRoom("flood", token: token)
            let reader = chat.socket(room: "flood", token: token)
            _ = try await reader.nextArray()
            // A raw TCP client that upgrades and then never reads.
            let stalled = try await StalledWebSocket.open(port: chat.port, path: "/ws/join/?name=flood", token: token)
            defer { stalled.close() }
            let room = try #require(try await chat.ports.store.room(named: "flood"))
            let user = try #require(try await chat.ports.store.user(named: "nina"))
            let padding = String(repeating: "p", count: 4000)
            // Post until the stalled socket is dropped: kernel buffers (4 MiB send
            // buffer here) fill first, then its 8-frame queue. Bounded at 12 MB.
            var connected = 2
            var posted = 0
            while connected == 2 && posted < 3000 {
                for _ in 0..<100 {
                    _ = try await PostMessage(ports: chat.ports)(content: "\(posted) \(padding)", from: user, in: room)
                    let frame = try await reader.nextObject("message \(posted)")
                    #expect((frame["content"] as? String)?.hasPrefix("\(posted) ") == true)
                    posted += 1
                }
                connected = LiveChat.decode(try await chat.get("/api/room/list/", token: token))["flood"] as? Int ?? -1
            }
            // The stalled socket was dropped from the room; the reader got every message in order.
            #expect(connected == 1)
            await reader.close()
        }
    }
}
