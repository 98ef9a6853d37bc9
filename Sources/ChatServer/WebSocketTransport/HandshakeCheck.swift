import Foundation
import HTTPTypes

/// What RFC 6455 asks of a client's opening handshake beyond what NIO's upgrader checks,
/// and the answer to one that fails it (§4.2.1, §4.2.2).
///
/// NIO's upgrader declines a handshake without a `Sec-WebSocket-Key` or with another
/// `Sec-WebSocket-Version` than 13, and the request then reaches the router as plain
/// HTTP; it accepts any key. So the upgrade decision refuses a key that is not a
/// base64-encoded 16-byte value, and the router answers a declined handshake with 426
/// naming version 13 (§4.4) or 400, instead of redirecting it as a late upgrade.
enum HandshakeCheck {
    /// The one WebSocket version spoken.
    static let version = "13"

    /// §4.1: the key is 16 random bytes, base64-encoded.
    static func isValidKey(_ key: String?) -> Bool {
        guard let key else { return false }
        return Data(base64Encoded: key.trimmingCharacters(in: .whitespaces))?.count == 16
    }

    /// The answer to an upgrade request NIO's upgrader declined for the handshake's own
    /// fault: 426 with `Sec-WebSocket-Version: 13` for another version, 400 for a missing
    /// or malformed key. Nil for a well-formed handshake (a late upgrade: not the
    /// connection's first request). Either answer closes the connection.
    static func refusal(of headers: HTTPFields) -> HTTPResponse? {
        guard headers[.secWebSocketVersion] == version else {
            return HTTPResponse(status: .upgradeRequired, headerFields: [.secWebSocketVersion: version, .connection: "close", .contentLength: "0"])
        }
        guard isValidKey(headers[.secWebSocketKey]) else {
            return HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
        }
        return nil
    }
}
