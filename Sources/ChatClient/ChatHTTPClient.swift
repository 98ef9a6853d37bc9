import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for the chat service's JSON endpoints: one connection per
/// request (`Connection: close`), every call bounded by `timeout`.
public struct ChatHTTPClient: Sendable {
    /// A response: the status code, the headers and the body.
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var headers = HTTPHeaders()

        /// The body as a JSON object (empty when it is not one).
        public var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        /// The body as a JSON array of objects (empty when it is not one).
        public var array: [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [[String: Any]] ?? [] }
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The first value of the header `name` (case-insensitive), if any.
        public func header(_ name: String) -> String? { headers.first(name: name) }
    }

    public let host: String
    public let port: Int
    public let timeout: Duration

    /// - Parameter baseURL: `http://host:port` (a path is ignored).
    public init(baseURL: String, timeout: Duration = .seconds(5)) throws {
        guard let components = URLComponents(string: baseURL), components.scheme == "http", let host = components.host, !host.isEmpty else {
            throw ChatClientError("'\(baseURL)' is not an http://host:port URL")
        }
        self.host = host
        self.port = components.port ?? 80
        self.timeout = timeout
    }

    /// A client of the service at `host` (a name or an address, IPv6 without brackets) and `port`.
    public init(host: String, port: Int, timeout: Duration = .seconds(5)) {
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    /// `ws://host:port` for the same service.
    public var webSocketBase: String { "ws://\(host):\(port)" }

    /// Sends a request with an optional JSON body and bearer token.
    public func send(_ method: HTTPMethod, _ path: String, json: [String: String]? = nil, token: String? = nil) async throws -> Response {
        let body = try json.map { [UInt8](try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys])) }
        return try await send(method, path, body: body, token: token)
    }

    /// Sends a request with `body` as given (labelled `contentType`), an optional bearer
    /// token and any other `headers`; `path` may carry a query.
    public func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8]?, contentType: String = "application/json",
        headers: HTTPHeaders = [:], token: String? = nil
    ) async throws -> Response {
        let host = self.host, port = self.port
        return try await withDeadline(timeout, "\(method) \(path) on \(host):\(port)") {
            let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
            do {
                channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                        }
                    }
            } catch {
                throw ChatClientError("cannot connect to \(host):\(port): \(error)")
            }
            return try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
                head.headers.add(name: "Host", value: "\(host):\(port)")
                head.headers.add(name: "Connection", value: "close")
                head.headers.add(name: "Content-Length", value: "\(body?.count ?? 0)")
                if body != nil { head.headers.add(name: "Content-Type", value: contentType) }
                if let token { head.headers.add(name: "Authorization", value: "Bearer \(token)") }
                for (name, value) in headers { head.headers.add(name: name, value: value) }
                // One write of the whole request: a server that answers on the head and closes
                // (`Connection: close`) must not leave a later part's write on a closed channel.
                var parts: [HTTPClientRequestPart] = [.head(head)]
                if let body { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                parts.append(.end(nil))
                do {
                    try await outbound.write(contentsOf: parts)
                } catch let error as ChannelError where error == .ioOnClosedChannel || error == .alreadyClosed {
                    // Closed by the server after it answered: the answer is read below.
                }
                var response = Response(status: 0, body: [])
                for try await part in inbound {
                    switch part {
                    case .head(let responseHead):
                        response.status = Int(responseHead.status.code)
                        response.headers = responseHead.headers
                    case .body(var buffer): response.body += buffer.readBytes(length: buffer.readableBytes) ?? []
                    case .end: return response
                    }
                }
                throw ChatClientError("\(host):\(port) closed the connection before answering \(method) \(path)")
            }
        }
    }
}
