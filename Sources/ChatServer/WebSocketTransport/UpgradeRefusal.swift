import Hummingbird
import HummingbirdCore
import HTTPTypes
import NIOCore
import NIOHTTP1

/// Answers a refused WebSocket upgrade with the real status and body (401 for a bad
/// token, 400 `room does not exist`, …), then closes the connection.
///
/// `HTTPWebSocketChannel` answers a refused upgrade with a bare `400` and no body;
/// the Go service (echo's JWT middleware before gorilla's upgrader) answered 401 with
/// a JSON body, and clients rely on that. At `shouldUpgrade` time the channel still has
/// NIO's HTTP/1 response encoder, so the response is written through it.
enum UpgradeRefusal {
    /// The upgrade decision both WebSocket services share: the path must be one of
    /// `paths` (else 404), the handshake's key well-formed (else 400, `HandshakeCheck`),
    /// a browser's `Origin` one of `allowedOrigins` when there are any (else 403), then
    /// `admit` checks the request and returns what the upgrade installs, or throws the
    /// refusal, which the client gets with its real status.
    static func gate(
        _ request: HTTPRequest, paths: Set<String>, allowedOrigins: [String], on channel: any Channel,
        admit: (URI) async throws -> SocketUpgrade
    ) async -> UpgradeDecision {
        let uri = URI(request.path ?? "/")
        guard paths.contains(uri.path) else {
            await respond(with: TextError(status: .notFound, message: "no WebSocket endpoint at \(uri.path)"), on: channel)
            return .refuse
        }
        guard HandshakeCheck.isValidKey(request.headerFields[.secWebSocketKey]) else {
            await respond(with: TextError(status: .badRequest, message: "Sec-WebSocket-Key must be 16 bytes, base64-encoded"), on: channel)
            return .refuse
        }
        if !allowedOrigins.isEmpty, let origin = request.headerFields[.origin], !allowedOrigins.contains(origin) {
            await respond(with: TextError(status: .forbidden, message: "origin not allowed"), on: channel)
            return .refuse
        }
        do {
            return .accept(try await admit(uri))
        } catch {
            await respond(with: error, on: channel)
            return .refuse
        }
    }

    static func respond(with error: any Error, on channel: any Channel) async {
        let rendered: any RenderedError = (error as? any RenderedError) ?? TextError(status: .internalServerError, message: "internal error")
        var headers = HTTPHeaders()
        for field in rendered.renderedHeaders { headers.add(name: field.name.rawName, value: field.value) }
        let body = rendered.renderedBody
        headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
        headers.replaceOrAdd(name: "connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: Int(rendered.status.code)), headers: headers)
        do {
            try await channel.writeAndFlush(HTTPServerResponsePart.head(head)).get()
            try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(body))).get()
            try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
        } catch {
            // The client went away; nothing to tell it.
        }
        // `HTTPWebSocketChannel` goes on to write its own bare 400 and close the
        // connection; swallow that second answer so the client sees only ours. (Closing
        // here instead would race its pipeline changes and log an error per refusal.)
        _ = try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(DiscardOutbound(), position: .first)
        }.get()
    }
}

/// Drops every outbound write (completing it), letting close through.
private final class DiscardOutbound: ChannelOutboundHandler {
    typealias OutboundIn = IOData

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        promise?.succeed(())
    }

    func flush(context: ChannelHandlerContext) {}
}
