/// What a server WebSocket hands to the code that owns it. Every call comes on the
/// socket's event loop.
protocol WebSocketSession: AnyObject, Sendable {
    /// A whole text message: fragments reassembled, UTF-8 checked.
    func received(text: String)
    /// A whole binary message (the chat protocol has none).
    func receivedBinary()
    /// A close frame is going out (the server closes, fails the connection or answers the
    /// client's close): no data frame may follow it (RFC 6455 §5.5.1), so the session
    /// writes none from now on. The socket itself closes later (`socketClosed()`).
    func closeStarted()
    /// The socket closed, however it closed.
    func socketClosed()
}
