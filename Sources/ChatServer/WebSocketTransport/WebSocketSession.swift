/// What a server WebSocket hands to the code that owns it. Every call comes on the
/// socket's event loop.
protocol WebSocketSession: AnyObject, Sendable {
    /// A whole text message: fragments reassembled, UTF-8 checked.
    func received(text: String)
    /// A whole binary message (the chat protocol has none).
    func receivedBinary()
    /// The socket closed, however it closed.
    func socketClosed()
}
