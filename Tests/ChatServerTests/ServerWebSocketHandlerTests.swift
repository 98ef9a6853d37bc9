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
        let closing = Mutex(false)
        let closed = Mutex(false)

        func received(text: String) { texts.withLock { $0.append(text) } }
        func receivedBinary() { binaries.withLock { $0 += 1 } }
        func closeStarted() { closing.withLock { $0 = true } }
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
        func receive(_ opcode: WebSocketOpcode, fin: Bool = true, rsv1: Bool = false, _ bytes: [UInt8]) throws {
            let key = WebSocketMaskingKey.random()
            var data = ByteBuffer(bytes: bytes)
            data.webSocketMask(key)
            try channel.writeInbound(WebSocketFrame(fin: fin, rsv1: rsv1, opcode: opcode, maskKey: key, data: data))
        }

        /// A close frame from the client with `code` and a raw `reason`.
        func receiveClose(code: UInt16, reason: [UInt8] = []) throws {
            try receive(.connectionClose, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
        }

        func receive(text: String) throws { try receive(.text, Array(text.utf8)) }

        /// The next frame the handler wrote, if any.
        func sent() throws -> WebSocketFrame? { try channel.readOutbound(as: WebSocketFrame.self) }

        func closeCode(of frame: WebSocketFrame?) -> WebSocketErrorCode? {
            guard let frame, frame.opcode == .connectionClose else { return nil }
            var data = frame.data
            return data.readWebSocketErrorCode()
        }

        /// The close frame's code as sent (any number), nil when it has none.
        func rawCloseCode(of frame: WebSocketFrame?) -> UInt16? {
            guard let frame, frame.opcode == .connectionClose else { return nil }
            return frame.data.getInteger(at: frame.data.readerIndex, as: UInt16.self)
        }

        /// Runs what the handler scheduled; whether the connection is still open.
        func isOpen() -> Bool {
            channel.embeddedEventLoop.run()
            return channel.isActive
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
        try f.receiveClose(code: 1000)
        #expect(f.closeCode(of: try f.sent()) == .normalClosure)
        #expect(!f.isOpen())
        #expect(f.session.closing.withLock { $0 })
        #expect(f.session.closed.withLock { $0 })
    }

    @Test("a client's close with an application code and a UTF-8 reason is echoed with its code", arguments: [UInt16(1001), 1011, 1014, 3000, 4999])
    func validCloseCodes(_ code: UInt16) throws {
        let f = try Fixture()
        try f.receiveClose(code: code, reason: Array("bye ✓".utf8))
        #expect(f.rawCloseCode(of: try f.sent()) == code)
        #expect(!f.isOpen())
    }

    @Test("an empty close frame is answered with an empty one")
    func emptyClose() throws {
        let f = try Fixture()
        try f.receive(.connectionClose, [])
        let answer = try #require(try f.sent())
        #expect(answer.opcode == .connectionClose)
        #expect(answer.data.readableBytes == 0)
        #expect(!f.isOpen())
    }

    @Test("a close code no endpoint may send fails the connection with 1002", arguments: [UInt16(0), 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535])
    func invalidCloseCodes(_ code: UInt16) throws {
        let f = try Fixture()
        try f.receiveClose(code: code)
        #expect(f.closeCode(of: try f.sent()) == .protocolError)
        #expect(!f.isOpen())
    }

    @Test("a close frame of one byte fails with 1002; one whose reason is not UTF-8 with 1007")
    func malformedClose() throws {
        let short = try Fixture()
        try short.receive(.connectionClose, [0x03])
        #expect(short.closeCode(of: try short.sent()) == .protocolError)
        #expect(!short.isOpen())

        let invalid = try Fixture()
        try invalid.receiveClose(code: 1000, reason: [0x68, 0xC3, 0x28, 0xFF])
        #expect(invalid.closeCode(of: try invalid.sent()) == .dataInconsistentWithMessage)
        #expect(!invalid.isOpen())
    }

    @Test("a frame with a reserved bit set fails with 1002 and delivers nothing (no extension is negotiated)")
    func reservedBits() throws {
        let f = try Fixture()
        try f.receive(.text, rsv1: true, Array("compressed?".utf8))
        #expect(f.closeCode(of: try f.sent()) == .protocolError)
        #expect(f.session.texts.withLock { $0 }.isEmpty)
        #expect(f.session.closing.withLock { $0 })
    }

    @Test("an unmasked client frame fails with 1002 and delivers nothing")
    func unmasked() throws {
        let f = try Fixture()
        try f.channel.writeInbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "in the clear")))
        #expect(f.closeCode(of: try f.sent()) == .protocolError)
        #expect(f.session.texts.withLock { $0 }.isEmpty)
    }

    @Test("an unmasked close frame is answered with 1002 and the connection ends without waiting")
    func unmaskedClose() throws {
        let f = try Fixture()
        try f.channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])))
        #expect(f.closeCode(of: try f.sent()) == .protocolError)
        #expect(!f.isOpen())
    }

    @Test("a reserved opcode fails with 1002", arguments: [UInt8(0x3), 0x7, 0xB, 0xF])
    func reservedOpcode(_ opcode: UInt8) throws {
        let f = try Fixture()
        try f.receive(try #require(WebSocketOpcode(encodedWebSocketOpcode: opcode)), [1, 2])
        #expect(f.closeCode(of: try f.sent()) == .protocolError)
    }

    @Test("once its close frame is out, the handler answers no ping and delivers no message; the client's close ends it")
    func afterClose() throws {
        let f = try Fixture()
        try f.receive(.binary, fin: false, [1])
        try f.receive(.continuation, rsv1: true, [2])
        #expect(f.closeCode(of: try f.sent()) == .protocolError)
        try f.receive(.ping, [7])
        try f.receive(text: "late")
        #expect(try f.sent() == nil)
        #expect(f.session.texts.withLock { $0 }.isEmpty)
        #expect(f.session.binaries.withLock { $0 } == 0)
        #expect(f.isOpen())
        try f.receiveClose(code: 1002)
        #expect(!f.isOpen())
    }

    @Test("a frame NIO's decoder refused: the session stops writing, and the connection ends within the close timeout")
    func decoderError() throws {
        let f = try Fixture(closeTimeout: .seconds(2))
        f.channel.pipeline.fireErrorCaught(NIOWebSocketError.multiByteControlFrameLength)
        #expect(f.isOpen())
        #expect(f.session.closing.withLock { $0 })
        f.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!f.channel.isActive)
    }

    @Test("a server close reason longer than a control frame holds is cut between characters")
    func longReason() throws {
        let reason = String(repeating: "é", count: 100)  // 200 bytes of 2-byte characters
        let bytes = Array(ServerWebSocketHandler.closeReasonBytes(reason))
        #expect(bytes.count == 122)
        #expect(String(validating: bytes, as: UTF8.self) != nil)
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
