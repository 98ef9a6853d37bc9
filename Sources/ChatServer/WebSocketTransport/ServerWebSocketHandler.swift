import ChatCore
import NIOCore
import NIOWebSocket

/// The server side of one WebSocket after the upgrade, as a NIO handler: it answers
/// pings, reassembles fragmented messages (at most `maxMessageBytes` in all, else 1009),
/// refuses invalid UTF-8 in text (1007), completes the close handshake either way, and
/// hands each whole message to its `WebSocketSession`.
///
/// A socket therefore costs no task of its own: the frame decoder and encoder below this
/// handler (added by NIO's upgrader) and this handler are all that lives per socket
/// between messages. (hummingbird-websocket gave every socket a task for its lifetime,
/// whose async frames were most of an idle socket's memory.)
///
/// It fails the connection (RFC 6455 §7.1.7) with 1002 on a frame with a reserved bit
/// set (no extension is negotiated, so permessage-deflate's RSV1 too), an unmasked
/// frame (§5.1), a reserved opcode, a continuation without a message or a new message
/// inside a fragmented one, and a close frame that is not valid (`ClientClose`; 1007 for
/// a reason that is not UTF-8). UTF-8 is checked once a message is whole (Autobahn's
/// "non-strict": a message whose bytes go wrong part-way fails on its last fragment, not
/// on the one that went wrong). Once a close frame is out, no data frame follows it
/// (§5.5.1): the session hears `closeStarted()`.
final class ServerWebSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// The close reason sent with 1001 when the server shuts down.
    static let goingAwayReason = "server shutting down"
    /// The close code of a socket a gentle drain (`chatctl nodes drain`) asks to reconnect
    /// elsewhere: 1012 "service restart" (IANA's WebSocket close code registry) — the node
    /// restarts, the service stays; 1001 remains the code of a process shutting down.
    static let reconnectCode = WebSocketErrorCode(codeNumber: 1012)
    /// The close reason with 1012, and the `reason` of the `reconnect` frame before it.
    static let reconnectReason = "node draining"

    private let session: any WebSocketSession
    private let maxMessageBytes: Int
    /// How long a close the server started waits for the client's close frame.
    private let closeTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    /// A fragmented message so far, and whether it is text.
    private var fragments: ByteBuffer?
    private var fragmentsAreText = false
    private var closeSent = false
    /// The client's close frame came (and is answered, or being answered).
    private var closeReceived = false
    private var closeTimer: Scheduled<Void>?

    init(session: any WebSocketSession, maxMessageBytes: Int, closeTimeout: TimeAmount = .seconds(5)) {
        self.session = session
        self.maxMessageBytes = maxMessageBytes
        self.closeTimeout = closeTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        closeTimer?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closeTimer?.cancel()
        closeTimer = nil
        session.socketClosed()
        context.fireChannelInactive()
    }

    /// The client shut its side of the TCP connection (the server allows half-closure for
    /// HTTP): nothing more can arrive, so the socket closes instead of lingering half open.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is NIOWebSocketError, !closeSent else {
            // Anything but a frame the decoder refused (a reset connection) ends the socket.
            context.close(promise: nil)
            return
        }
        // NIO's frame decoder refused a frame (over `maxFrameSize`: 1009; a fragmented
        // or over-long control frame: 1002), and NIO's WebSocketProtocolErrorHandler below
        // has written the close frame; it closes the connection once that is out. Nothing
        // may follow the close frame meanwhile, and the timer bounds the wait all the same.
        closeSent = true
        session.closeStarted()
        let channel = context.channel
        closeTimer = context.eventLoop.scheduleTask(in: closeTimeout) { channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard !closeSent else {
            // A close frame is out: only the client's answer to it matters now (it ends
            // the connection); messages, fragments, pings and a second close of the
            // client's (its first is being answered) are discarded (§5.5.1).
            if frame.opcode == .connectionClose, !closeReceived { context.close(promise: nil) }
            return
        }
        // §5.2: a reserved bit set without an extension that defines it, and §5.1: a
        // frame the client did not mask, both fail the connection. A close frame among
        // them is the client's close all the same: it waits for no answer.
        guard frame.reservedBits.isEmpty, frame.maskKey != nil else {
            if frame.opcode == .connectionClose { return answerClose(.fail(.protocolError), context: context) }
            return fail(.protocolError, context: context)
        }
        switch frame.opcode {
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            return
        case .connectionClose:
            answerClose(ClientClose(payload: frame.unmaskedData), context: context)
        case .text, .binary:
            guard fragments == nil else { return fail(.protocolError, context: context) }
            if frame.fin {
                deliver(frame.unmaskedData, isText: frame.opcode == .text, context: context)
            } else {
                fragmentsAreText = frame.opcode == .text
                append(frame.unmaskedData, context: context)
            }
        case .continuation:
            guard fragments != nil else { return fail(.protocolError, context: context) }
            append(frame.unmaskedData, context: context)
            if frame.fin, let whole = fragments {
                fragments = nil
                deliver(whole, isText: fragmentsAreText, context: context)
            }
        default:
            // Opcodes 0x3–0x7 and 0xB–0xF are reserved (§5.2).
            fail(.protocolError, context: context)
        }
    }

    private func append(_ data: ByteBuffer, context: ChannelHandlerContext) {
        var data = data
        var buffer = fragments ?? ByteBuffer()
        buffer.writeBuffer(&data)
        guard buffer.readableBytes <= maxMessageBytes else {
            fragments = nil
            return fail(.messageTooLarge, context: context)
        }
        fragments = buffer
    }

    private func deliver(_ payload: ByteBuffer, isText: Bool, context: ChannelHandlerContext) {
        guard !closeSent else { return }
        guard payload.readableBytes <= maxMessageBytes else { return fail(.messageTooLarge, context: context) }
        guard isText else { return session.receivedBinary() }
        guard let text = String(validating: payload.readableBytesView, as: UTF8.self) else {
            return fail(.dataInconsistentWithMessage, context: context)
        }
        session.received(text: text)
    }

    private func fail(_ code: WebSocketErrorCode, context: ChannelHandlerContext) {
        startClose(code: code, reason: nil, context: context)
    }

    /// The client's close frame (the server sent none yet): answered, then the connection
    /// closes. A valid one is answered with its code; one that is not (`ClientClose`)
    /// with 1002 or 1007, which fails the connection: the client's close frame already
    /// came, so no other answer is waited for either way.
    private func answerClose(_ close: ClientClose, context: ChannelHandlerContext) {
        closeSent = true
        closeReceived = true
        fragments = nil
        session.closeStarted()
        var answer = context.channel.allocator.buffer(capacity: 2)
        switch close {
        case .echo(let code?): answer.writeInteger(code)
        case .echo(nil): break
        case .fail(let code): answer.write(webSocketErrorCode: code)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: answer))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// Sends a close frame (after what was written before it) and waits for the client's
    /// answer, at most `closeTimeout`; no more messages are delivered meanwhile.
    private func startClose(code: WebSocketErrorCode, reason: String?, context: ChannelHandlerContext) {
        guard !closeSent else { return }
        closeSent = true
        fragments = nil
        session.closeStarted()
        var data = context.channel.allocator.buffer(capacity: 2 + (reason?.utf8.count ?? 0))
        data.write(webSocketErrorCode: code)
        if let reason { data.writeBytes(Self.closeReasonBytes(reason)) }
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
        let channel = context.channel
        closeTimer = context.eventLoop.scheduleTask(in: closeTimeout) { channel.close(promise: nil) }
    }

    /// `reason` as a close frame carries it: at most 123 bytes (a control frame holds 125,
    /// the code takes 2), cut between characters so that it stays UTF-8 (§5.5.1).
    static func closeReasonBytes(_ reason: String) -> Substring.UTF8View {
        var length = 0
        for scalar in reason.unicodeScalars {
            let width = String(scalar).utf8.count
            guard length + width <= InputRules.closeReasonMaxBytes else { break }
            length += width
        }
        return reason.utf8.prefix(length)
    }

    /// Adds a handler feeding `session` to a just-upgraded channel, on its event loop.
    /// False (and the channel is closed) when the channel is already closed: it would
    /// never report closing, so nothing may be registered for it.
    static func install(_ session: any WebSocketSession, on channel: any Channel, maxMessageBytes: Int) -> Bool {
        channel.eventLoop.assertInEventLoop()
        let handler = ServerWebSocketHandler(session: session, maxMessageBytes: maxMessageBytes)
        guard channel.isActive, (try? channel.pipeline.syncOperations.addHandler(handler)) != nil else {
            channel.close(promise: nil)
            return false
        }
        return true
    }

    /// Closes `channel`'s WebSocket with `code` and `reason` (from any thread): after the
    /// frames already written or queued on its event loop.
    static func close(_ channel: any Channel, code: WebSocketErrorCode, reason: String?) {
        guard channel.eventLoop.inEventLoop else {
            channel.eventLoop.execute { close(channel, code: code, reason: reason) }
            return
        }
        guard let handler = try? channel.pipeline.syncOperations.handler(type: ServerWebSocketHandler.self),
            let context = handler.context
        else {
            channel.close(promise: nil)
            return
        }
        handler.startClose(code: code, reason: reason, context: context)
    }
}
