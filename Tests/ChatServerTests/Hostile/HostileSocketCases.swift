import ChatTestSupport
import Foundation
import NIOWebSocket
import Testing

/// Hostile WebSocket upgrades and frames.
enum HostileSocketCases {
    static func upgrade(_ name: String, path: String, withToken: Bool = true, status: Int, body: String) -> HostileCase {
        HostileCase(name) { f in
            let answer = try await RawUpgrade.attempt(port: f.chat.port, path: path, token: withToken ? f.token : nil)
            #expect(answer.status == status, "\(name): \(answer.head)")
            #expect(answer.body.contains(body), "\(name): \(answer.body)")
            f.expectClean(answer.body, alsoNot: [f.token])
        }
    }

    /// A frame that must get an error frame containing `error`, leaving the socket usable.
    static func frame(_ name: String, _ text: String, error: String) -> HostileCase {
        HostileCase(name) { f in
            let socket = try await f.joinedSocket()
            socket.send(text)
            let answer = try await socket.nextObject()
            #expect((answer["error"] as? String)?.contains(error) == true, "\(name): \(answer)")
            f.expectClean((answer["error"] as? String) ?? "")
            try await f.expectUsable(socket)
            await socket.close()
        }
    }

    static let upgrades: [HostileCase] = [
        upgrade("joining a room that does not exist", path: "/ws/join/?name=nowhere", status: 400, body: "room does not exist"),
        upgrade("a room name with path characters in the query", path: "/ws/join/?name=..%2F..%2Fetc%2Fpasswd", status: 400, body: "room does not exist"),
        upgrade("a since= that is not a message id", path: "/ws/join/?name=lobby&since=%7B%22%24gt%22%3A%22%22%7D", status: 400,
            body: "since must be a message id"),
        upgrade("an upgrade without a token", path: "/ws/join/?name=lobby", withToken: false, status: 401, body: "error"),
    ]

    static let frames: [HostileCase] = [
        frame("malformed JSON frame", #"{"type":"message","content":"#, error: "frame is not a JSON object"),
        frame("a JSON array frame", #"["message","hi"]"#, error: "frame is not a JSON object"),
        frame("content of the wrong type", #"{"type":"message","content":5}"#, error: "content must be a string"),
        frame("a NoSQL operator as content", #"{"type":"message","content":{"$gt":""}}"#, error: "content must be a string"),
        frame("content missing", #"{"type":"message"}"#, error: "content is required"),
        frame("type missing", #"{"content":"hi"}"#, error: "type is required"),
        frame("an unknown frame type", #"{"type":"admin","content":"rm -rf"}"#, error: "unknown frame type"),
        frame("control characters in content", #"{"type":"message","content":"bell\u0007"}"#, error: "content contains control characters"),
        frame("whitespace-only content", #"{"type":"message","content":"  \n\t "}"#, error: "content is empty"),
        frame("content over 4 KiB", #"{"type":"message","content":"\#(String(repeating: "x", count: 5000))"}"#, error: "content exceeds 4096 bytes"),
        HostileCase("a binary frame") { f in
            let socket = try await f.joinedSocket()
            socket.sendBinary([0x00, 0xFF, 0x10])
            #expect(try await socket.nextObject()["error"] as? String == "binary frames are not supported; send JSON text")
            try await f.expectUsable(socket)
            await socket.close()
        },
        HostileCase("a text frame in three fragments is reassembled and posted") { f in
            let socket = try await f.joinedSocket()
            let parts = [#"{"type":"mess"#, #"age","content":"frag"#, #"mented"}"#]
            socket.sendFrame(opcode: .text, fin: false, Array(parts[0].utf8))
            socket.sendFrame(opcode: .continuation, fin: false, Array(parts[1].utf8))
            socket.sendFrame(opcode: .continuation, fin: true, Array(parts[2].utf8))
            #expect(try await socket.nextObject()["content"] as? String == "fragmented")
            await socket.close()
        },
        HostileCase("a flood of 2,000 pings leaves the socket working") { f in
            let socket = try await f.joinedSocket()
            for index in 0..<2000 { socket.sendFrame(opcode: .ping, Array("p\(index)".utf8)) }
            try await f.expectUsable(socket)
            await socket.close()
        },
        HostileCase("invalid UTF-8 in a text frame closes the socket with 1007 and stores nothing") { f in
            let socket = try await f.joinedSocket()
            socket.sendFrame(opcode: .text, Array(#"{"type":"message","content":""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8))
            let close = try await socket.closeFrame()
            #expect(close?.closeCode == .dataInconsistentWithMessage)
            let room = try #require(try await f.chat.ports.store.room(named: "lobby"))
            #expect(try await f.chat.ports.store.messageCounts(room: room.id).live == 0)
        },
        HostileCase("a frame over websocket.max_frame_bytes closes the socket with 1009") { f in
            let socket = try await f.joinedSocket()
            socket.send(#"{"type":"message","content":"\#(String(repeating: "y", count: 70 * 1024))"}"#)
            let close = try await socket.closeFrame()
            #expect(close?.closeCode == .messageTooLarge)
        },
        HostileCase("a client that never reads is dropped; the room and its sender carry on") { f in
            let stalled = try await StalledWebSocket.open(port: f.chat.port, path: "/ws/join/?name=lobby", token: f.token)
            defer { stalled.close() }
            let sender = try await f.joinedSocket()
            let filler = String(repeating: "z", count: 4000)
            for index in 0..<200 {
                sender.send(#"{"type":"message","content":"\#(index) \#(filler)"}"#)
                _ = try await sender.nextObject()
            }
            try await f.expectUsable(sender)
            await sender.close()
        },
    ]
}

@Suite("hostile input: every case answered clearly, nothing crashes or leaks")
struct HostileInputTests {
    static let cases = HostileHTTPCases.bodies + HostileHTTPCases.tokens + HostileSocketCases.upgrades + HostileSocketCases.frames

    @Test("the table has at least 40 cases")
    func enough() {
        #expect(Self.cases.count >= 40)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count)
    }

    @Test("hostile input", arguments: cases)
    func hostile(_ hostile: HostileCase) async throws {
        try await HostileFixture.run { fixture in try await hostile.check(fixture) }
    }
}
