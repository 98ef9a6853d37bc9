@testable import ChatServer
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Synchronization
import Testing

/// The per-socket protocol handler on an `EmbeddedChannel`: pings, fragments, UTF-8,
/// the size limit and both directions of the close handshake, frame by frame.
@Suite("the server WebSocket handler")
struct ServerWebSocketHandlerTests {
    /// Records what the handler hands over.
    final class Recorder: WebSocketSession {
        let texts = Mutex<[String]>([])
        let binaries = Mutex(0)
        let closed = Mutex(false)

        func received(text: String) { texts.withLock { $0.append(text) } }
        func receivedBinary() { binaries.withLock { $0 += 1 } }
        func socketClosed() { closed.withLock { $0 = true } }
    }

    struct Fixture {
        let channel: EmbeddedChannel
        let session: Recorder

        init(maxMessageBytes: Int = 64, closeTimeout: TimeAmount = .seconds(5)) throws {
            session = Recorder()
            channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandler(
                ServerWebSocketHandler(session: session, maxMessageBytes: maxMessageBytes, closeTimeout: closeTimeout))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        /// A frame as the client sends it (masked, as the protocol requires).
        func receive(_ opcode: WebSocketOpcode, fin: Bool = true, _ bytes: [UInt8]) throws {
            let key = WebSocketMaskingKey.random()
            var data = ByteBuffer(bytes: bytes)
            data.webSocketMask(key)
            try channel.writeInbound(WebSocketFrame(fin: fin, opcode: opcode, maskKey: key, data: data))
        }

        func receive(text: String) throws { try receive(.text, Array(text.utf8)) }

        /// The next frame the handler wrote, if any.
        func sent() throws -> WebSocketFrame? { try channel.readOutbound(as: WebSocketFrame.self) }

        func closeCode(of frame: WebSocketFrame?) -> WebSocketErrorCode? {
            guard let frame, frame.opcode == .connectionClose else { return nil }
            var data = frame.data
            return data.readWebSocketErrorCode()
        }
    }

    @Test("a text frame reaches the session; a binary one is reported as binary")
    func textAndBinary() throws {
        let f = try Fixture()
        try f.receive(text: #"{"type":"message","content":"hi"}"#)
        try f.receive(.binary, [1, 2, 3])
        #expect(f.session.texts.withLock { $0 } == [#"{"type":"message","content":"hi"}"#])
        #expect(f.session.binaries.withLock { $0 } == 1)
    }

    @Test("a ping is answered with a pong carrying its data")
    func pingPong() throws {
        let f = try Fixture()
        try f.receive(.ping, Array("are you there".utf8))
        let pong = try #require(try f.sent())
        #expect(pong.opcode == .pong)
        #expect(String(buffer: pong.data) == "are you there")
    }

    @Test("fragments are reassembled into one message; control frames may come between them")
    func fragments() throws {
        let f = try Fixture()
        try f.receive(.text, fin: false, Array("frag".utf8))
        try f.receive(.ping, [])
        try f.receive(.continuation, fin: false, Array("men".utf8))
        try f.receive(.continuation, fin: true, Array("ted".utf8))
        #expect(f.session.texts.withLock { $0 } == ["fragmented"])
        #expect(try f.sent()?.opcode == .pong)
    }

    @Test("a continuation without a start, or a new message inside a fragmented one, is a protocol error (1002)")
    func protocolErrors() throws {
        let stray = try Fixture()
        try stray.receive(.continuation, Array("x".utf8))
        #expect(stray.closeCode(of: try stray.sent()) == .protocolError)

        let nested = try Fixture()
        try nested.receive(.text, fin: false, Array("a".utf8))
        try nested.receive(.text, Array("b".utf8))
        #expect(nested.closeCode(of: try nested.sent()) == .protocolError)
        #expect(nested.session.texts.withLock { $0 }.isEmpty)
    }

    @Test("invalid UTF-8 in a text message closes with 1007 and delivers nothing")
    func invalidUTF8() throws {
        let f = try Fixture()
        try f.receive(.text, [0x7B, 0xC3, 0x28, 0xFF, 0x7D])
        #expect(f.closeCode(of: try f.sent()) == .dataInconsistentWithMessage)
        #expect(f.session.texts.withLock { $0 }.isEmpty)
    }

    @Test("fragments adding up to more than the limit close with 1009")
    func tooLarge() throws {
        let f = try Fixture(maxMessageBytes: 10)
        try f.receive(.text, fin: false, Array("123456".utf8))
        try f.receive(.continuation, fin: true, Array("789012".utf8))
        #expect(f.closeCode(of: try f.sent()) == .messageTooLarge)
        #expect(f.session.texts.withLock { $0 }.isEmpty)
    }

    @Test("a client's close is answered with the same code and the connection closes")
    func clientCloses() throws {
        let f = try Fixture()
        var data = ByteBuffer()
        data.write(webSocketErrorCode: .normalClosure)
        try f.channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: data))
        #expect(f.closeCode(of: try f.sent()) == .normalClosure)
        f.channel.embeddedEventLoop.run()
        #expect(!f.channel.isActive)
        #expect(f.session.closed.withLock { $0 })
    }

    @Test("a server close sends code and reason, ignores later messages, and ends on the client's answer")
    func serverClosesAndClientAnswers() throws {
        let f = try Fixture()
        ServerWebSocketHandler.close(f.channel, code: .goingAway, reason: "server shutting down")
        let close = try #require(try f.sent())
        var data = close.data
        #expect(data.readWebSocketErrorCode() == .goingAway)
        #expect(data.readString(length: data.readableBytes) == "server shutting down")
        try f.receive(text: "too late")
        #expect(f.session.texts.withLock { $0 }.isEmpty)
        #expect(f.channel.isActive)
        try f.receive(.connectionClose, [0x03, 0xE8])
        f.channel.embeddedEventLoop.run()
        #expect(!f.channel.isActive)
        #expect(f.session.closed.withLock { $0 })
    }

    @Test("a server close that gets no answer ends the connection after the close timeout")
    func serverCloseTimesOut() throws {
        let f = try Fixture(closeTimeout: .seconds(2))
        ServerWebSocketHandler.close(f.channel, code: .policyViolation, reason: "logged out")
        #expect(f.closeCode(of: try f.sent()) == .policyViolation)
        f.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(f.channel.isActive)
        f.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!f.channel.isActive)
        #expect(f.session.closed.withLock { $0 })
    }

    @Test("a client that shuts its side of the connection without a close frame is closed, not left half open")
    func halfClosed() throws {
        let f = try Fixture()
        f.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        f.channel.embeddedEventLoop.run()
        #expect(!f.channel.isActive)
        #expect(f.session.closed.withLock { $0 })
    }
}
