import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// A connection of the chat and notification services: HTTP/1 requests for the router,
/// or an upgrade to a WebSocket run by NIO handlers.
///
/// Unlike hummingbird-websocket's channel, an upgraded socket keeps no task: the
/// connection's task runs the upgrade's follow-up work (the join's history frame) and
/// ends; from then on the socket is its pipeline (`ServerWebSocketHandler` and the
/// session it feeds). An idle socket costs only NIO's channel objects.
struct HTTPWebSocketChannel: ServerChildChannel, HTTPChannelHandler {
    enum UpgradeResult: Sendable {
        case websocket((@Sendable () async -> Void)?)
        case notUpgraded(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case failedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    /// The largest WebSocket frame accepted (NIO's decoder answers a bigger one with 1009).
    let maxFrameSize: Int
    let decide: @Sendable (HTTPRequest, any Channel, Logger) async -> UpgradeDecision
    private let http1 = HTTP1Channel.Configuration()

    init(
        responder: @escaping HTTPChannelHandler.Responder, maxFrameSize: Int,
        decide: @escaping @Sendable (HTTPRequest, any Channel, Logger) async -> UpgradeDecision
    ) {
        self.responder = Self.redirectingLateUpgrades(responder)
        self.maxFrameSize = maxFrameSize
        self.decide = decide
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let upgradeAttempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let accepted = NIOLockedValueBox<SocketUpgrade?>(nil)
            let decide = self.decide
            let first = FirstRequest.Box(FirstRequest())
            let webSocket = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
                maxFrameSize: maxFrameSize,
                enableAutomaticErrorHandling: true,
                shouldUpgrade: { channel, head in
                    upgradeAttempted.value = true
                    let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    promise.completeWithTask {
                        let request = try HTTPRequest(head, secure: false, splitCookie: false)
                        guard case .accept(let upgrade) = await decide(request, channel, logger) else { return nil }
                        accepted.withLockedValue { $0 = upgrade }
                        return HTTPHeaders()
                    }
                    return promise.futureResult
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard let upgrade = accepted.withLockedValue({ $0 }) else { throw ChannelError.inappropriateOperationForState }
                        return .websocket(try upgrade.install(channel))
                    }
                }
            )
            let upgrader = HandshakeCheckingUpgrader(upgrader: webSocket, first: first)
            let http1 = self.http1
            let notUpgrading = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DeclinedUpgradeAnswer(first: first))
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
                        let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        return upgradeAttempted.value ? .failedUpgrade(asyncChannel) : .notUpgraded(asyncChannel)
                    }
                }
            )
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(upgradeConfiguration: notUpgrading)
            configuration.enablePipelining = false  // requests are taken one at a time by NIOAsyncChannel
            configuration.enableErrorHandling = false  // Hummingbird answers errors
            configuration.enableResponseHeaderValidation = false  // HTTPTypes validates
            configuration.decoderConfiguration.maxHeaderFieldSize = http1.httpDecoder.maxHeaderFieldSize
            configuration.decoderConfiguration.maxHeaderListSize = http1.httpDecoder.maxHeaderListSize
            configuration.decoderConfiguration.maxHeaderFieldCount = http1.httpDecoder.maxHeaderFieldCount
            let result = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            let upgradeHandler = try channel.pipeline.syncOperations.handler(type: NIOTypedHTTPServerUpgradeHandler<UpgradeResult>.self)
            try channel.pipeline.syncOperations.addHandler(FirstRequestHeadKeeper(first: first), position: .before(upgradeHandler))
            return Value(upgradeResult: result, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .notUpgraded(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .failedUpgrade(let http):
                await answerFailedUpgrade(http, logger: logger)
            case .websocket(let start):
                await start?()
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("connection closed before its first request")
        } catch {
            logger.debug("connection setup failed", metadata: ["error": "\(error)"])
        }
    }

    /// A bare `400` for an upgrade the decision refused without answering (its own
    /// refusals are answered already; their bytes after this one are discarded).
    private func answerFailedUpgrade(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, logger: Logger) async {
        do {
            try await http.executeThenClose { _, outbound in
                let head = HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
                try await outbound.write(contentsOf: [.head(head), .end(nil)])
            }
        } catch {
            logger.trace("could not answer a refused upgrade", metadata: ["error": "\(error)"])
        }
    }

    /// NIO upgrades only on a connection's first request. A later request asking for a
    /// WebSocket is redirected to the same URI with the connection closed, so the client
    /// retries on a new connection (as hummingbird-websocket does). A late handshake that
    /// would be declined anyway (another version, no key) gets 426 or 400 instead
    /// (`HandshakeCheck`): a redirect would send it round in circles.
    static func redirectingLateUpgrades(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        struct RedirectedUpgrade: Error {}
        return { (request: Request, writer: consuming ResponseWriter, channel: any Channel) in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                try await responder(request, writer, channel)
                return
            }
            if let refusal = HandshakeCheck.refusal(of: request.headers) {
                try await writer.writeResponse(refusal)
                throw RedirectedUpgrade()
            }
            var location = request.uri.path
            if let query = request.uri.query { location += "?\(query)" }
            try await writer.writeResponse(HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: location]))
            throw RedirectedUpgrade()
        }
    }
}
