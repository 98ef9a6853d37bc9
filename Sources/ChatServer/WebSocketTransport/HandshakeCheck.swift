import Foundation
import HTTPTypes
import NIOHTTP1

/// What RFC 6455 asks of a client's opening handshake beyond what NIO's upgrader checks,
/// and the answer to one that fails it (§4.2.1, §4.2.2, §4.4).
///
/// NIO's upgrader declines a handshake without a `Sec-WebSocket-Key` or with another
/// `Sec-WebSocket-Version` than 13 (and accepts any key). `HandshakeCheckingUpgrader`
/// asks this first, so such a handshake gets 426 naming version 13, or 400, rather
/// than NIO's bare decline; the upgrade decision refuses a key that is not a
/// base64-encoded 16-byte value.
enum HandshakeCheck {
    /// The one WebSocket version spoken.
    static let version = "13"

    /// §4.1: the key is 16 random bytes, base64-encoded.
    static func isValidKey(_ key: String?) -> Bool {
        guard let key else { return false }
        return Data(base64Encoded: key.trimmingCharacters(in: .whitespaces))?.count == 16
    }

    /// The answer to a WebSocket handshake with another version (426 with
    /// `Sec-WebSocket-Version: 13`) or a missing or malformed key (400); nil for a
    /// well-formed one. Either answer closes the connection.
    static func refusal(version: String?, key: String?) -> HTTPResponse? {
        guard version == Self.version else {
            return HTTPResponse(status: .upgradeRequired, headerFields: [.secWebSocketVersion: Self.version, .connection: "close", .contentLength: "0"])
        }
        guard isValidKey(key) else {
            return HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
        }
        return nil
    }

    /// `refusal(version:key:)` of a request's headers.
    static func refusal(of headers: HTTPFields) -> HTTPResponse? {
        refusal(version: headers[.secWebSocketVersion], key: headers[.secWebSocketKey])
    }
}
