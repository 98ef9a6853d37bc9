import NIOCore
import NIOWebSocket

/// A client's close frame checked against RFC 6455 (§5.5.1, §7.4), and what the server
/// answers it with.
enum ClientClose: Equatable, Sendable {
    /// A valid close frame: answered with the same code, as §5.5.1 suggests (nil: it had
    /// no payload, and neither has the answer).
    case echo(UInt16?)
    /// Not a valid close frame: the connection fails with this code instead — 1002 for a
    /// 1-byte payload or a code no endpoint may send, 1007 for a reason that is not UTF-8.
    case fail(WebSocketErrorCode)

    /// The answer to a close frame whose (unmasked) payload is `payload`.
    init(payload: ByteBuffer) {
        var payload = payload
        guard payload.readableBytes > 0 else {
            self = .echo(nil)
            return
        }
        // §5.5.1: a body starts with a 2-byte code; one byte alone is no code.
        guard let code = payload.readInteger(as: UInt16.self), Self.isAllowedOnTheWire(code) else {
            self = .fail(.protocolError)
            return
        }
        // §5.5.1: the reason after the code is UTF-8; §8.1: invalid UTF-8 fails the connection.
        guard String(validating: payload.readableBytesView, as: UTF8.self) != nil else {
            self = .fail(.dataInconsistentWithMessage)
            return
        }
        self = .echo(code)
    }

    /// Whether a close frame may carry `code` (§7.4.1, §7.4.2 and the IANA registry):
    /// 1000–1003 and 1007–1014 (defined or registered), 3000–4999 (for libraries,
    /// frameworks and applications). 1004 is reserved; 1005, 1006 and 1015 MUST NOT be
    /// sent; below 1000 is unused, 1016–2999 is reserved for the protocol, and 5000 and
    /// over is undefined.
    static func isAllowedOnTheWire(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
