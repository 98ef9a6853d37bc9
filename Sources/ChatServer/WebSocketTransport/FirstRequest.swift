import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// What a connection's first request left for `DeclinedUpgradeAnswer`: its head (kept by
/// `FirstRequestHeadKeeper`) and, when its WebSocket handshake was malformed, the answer
/// `HandshakeCheckingUpgrader` chose.
struct FirstRequest: Sendable {
    var head: HTTPRequestHead?
    var refusal: HTTPResponse?

    /// One per connection, shared by the handlers that fill and read it (all on the
    /// connection's event loop).
    typealias Box = NIOLockedValueBox<FirstRequest>
}

/// Keeps the head of a connection's first request in a `FirstRequest.Box`, placed before
/// NIO's server upgrade handler, then removes itself.
final class FirstRequestHeadKeeper: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let first: FirstRequest.Box

    init(first: FirstRequest.Box) {
        self.first = first
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            first.withLockedValue { $0.head = head }
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
            return
        }
        context.fireChannelRead(data)
    }
}
