import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// NIO's WebSocket upgrader, after `HandshakeCheck`: a handshake with another version or
/// without a well-formed key is declined with the answer the RFC asks for, recorded in
/// the connection's `FirstRequest` for `DeclinedUpgradeAnswer` to send (NIO itself would decline it without
/// answering). A well-formed one goes on to NIO's upgrader.
struct HandshakeCheckingUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPServerProtocolUpgrader {
    let upgrader: NIOTypedWebSocketServerUpgrader<UpgradeResult>
    /// The connection's first request, where a declined handshake's answer goes.
    let first: FirstRequest.Box

    var supportedProtocol: String { upgrader.supportedProtocol }
    var requiredUpgradeHeaders: [String] { upgrader.requiredUpgradeHeaders }

    func buildUpgradeResponse(channel: any Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders) -> EventLoopFuture<HTTPHeaders> {
        let headers = upgradeRequest.headers
        if let refusal = HandshakeCheck.refusal(
            version: headers.first(name: "Sec-WebSocket-Version"), key: headers.first(name: "Sec-WebSocket-Key"))
        {
            first.withLockedValue { $0.refusal = refusal }
            return channel.eventLoop.makeFailedFuture(NIOWebSocketUpgradeError.invalidUpgradeHeader)
        }
        return upgrader.buildUpgradeResponse(channel: channel, upgradeRequest: upgradeRequest, initialResponseHeaders: initialResponseHeaders)
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<UpgradeResult> {
        upgrader.upgrade(channel: channel, upgradeRequest: upgradeRequest)
    }
}
