import CRabbitMQ
import Foundation

/// Where a RabbitMQ broker is: `amqp://user:pass@host:port/vhost` (RFC-style AMQP URI;
/// `RABBITMQ_USERNAME`/`RABBITMQ_PASSWORD` fill in credentials the URL lacks).
public struct AMQPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String
    public var virtualHost: String

    public init(host: String, port: Int = 5672, username: String = "guest", password: String = "guest", virtualHost: String = "/") {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.virtualHost = virtualHost
    }

    /// - Parameters:
    ///   - username: used when the URL has no user (the Go system's `RABBITMQ_USERNAME`).
    ///   - password: used when the URL has no password (`RABBITMQ_PASSWORD`).
    /// - Throws: `AMQPEndpointError` (credentials never appear in it).
    public init(parsing text: String, username fallbackUser: String? = nil, password fallbackPassword: String? = nil) throws(AMQPEndpointError) {
        guard text.hasPrefix("amqp://") else {
            throw AMQPEndpointError(text.hasPrefix("amqps://") ? "amqps:// (TLS) is not supported yet" : "scheme must be amqp://")
        }
        var rest = Substring(text.dropFirst("amqp://".count))
        var user = fallbackUser
        var password = fallbackPassword
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon]).percentDecoded
                password = String(credentials[credentials.index(after: colon)...]).percentDecoded
            } else if !credentials.isEmpty {
                user = String(credentials).percentDecoded
            }
            rest = rest[rest.index(after: at)...]
        }
        var virtualHost = "/"
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            // As in the AMQP URI spec: an empty path is the default vhost "/";
            // `%2f` encodes "/" inside a vhost name.
            if !path.isEmpty { virtualHost = String(path).percentDecoded }
            rest = rest[..<slash]
        }
        var host = String(rest)
        var port = 5672
        if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw AMQPEndpointError("port '\(rest[rest.index(after: colon)...])' is not a port number")
            }
            port = number
        }
        guard !host.isEmpty else { throw AMQPEndpointError("host is missing") }
        self.init(host: host, port: port, username: user ?? "guest", password: password ?? "guest", virtualHost: virtualHost)
    }

    /// `amqp://user:<redacted>@host:port/vhost`.
    public var description: String { "amqp://\(username):<redacted>@\(host):\(port)/\(virtualHost == "/" ? "" : virtualHost)" }
}

/// Why an AMQP URL could not be parsed.
public struct AMQPEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = "invalid RabbitMQ URL: \(description)" }
}

/// Facts about the linked C library.
public enum AMQPKit {
    /// librabbitmq's version, e.g. `0.11.0`.
    public static var libraryVersion: String { String(cString: amqp_version()) }
}

extension String {
    /// `%XX` sequences decoded; the text unchanged when they are malformed.
    var percentDecoded: String { removingPercentEncoding ?? self }
}
