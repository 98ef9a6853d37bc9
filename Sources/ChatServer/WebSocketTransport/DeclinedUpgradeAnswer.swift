import HTTPTypes
import NIOCore
import NIOHTTP1

/// Serves a first request whose upgrade NIO declined at once.
///
/// NIO's server upgrade handler swallows such a request's head and passes only the rest
/// of it on (swift-nio#2632), so the HTTP server behind it would see a request without a
/// head and drop the connection unanswered: an `Upgrade: h2c` (curl's `--http2`), any
/// `Upgrade` nobody here speaks, a WebSocket handshake NIO refused. A first part that is
/// not a head is therefore preceded here by the head `FirstRequestHeadKeeper` kept, so
/// the request is served as plain HTTP — or, for a malformed WebSocket handshake,
/// answered with what `HandshakeCheckingUpgrader` chose (426 or 400) and the connection
/// closed. When the first part is a head, the handler just removes itself.
final class DeclinedUpgradeAnswer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let first: FirstRequest.Box
    private var answered = false

    init(first: FirstRequest.Box) {
        self.first = first
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        let part = unwrapInboundIn(data)
        if case .head = part {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
            return
        }
        let (head, refusal) = first.withLockedValue { ($0.head, $0.refusal) }
        if refusal == nil, let head {
            context.fireChannelRead(wrapInboundOut(.head(head)))
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
            return
        }
        answered = true
        let answer = refusal ?? HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
        var headers = HTTPHeaders()
        for field in answer.headerFields { headers.add(name: field.name.rawName, value: field.value) }
        let response = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: answer.status.code), headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
