import AMQPKit

/// Where a RabbitMQ broker is, as configured: an `amqp://user:pass@host:port/vhost` URL,
/// and the credentials to use when the URL has none (the Go system's
/// `RABBITMQ_USERNAME` / `RABBITMQ_PASSWORD`).
public struct RabbitMQAddress: Sendable, Equatable, CustomStringConvertible {
    public var url: String
    public var username: String?
    public var password: String?

    public init(url: String, username: String? = nil, password: String? = nil) {
        self.url = url
        self.username = username
        self.password = password
    }

    /// `amqp://user:<redacted>@host:port/vhost`, or nil when the URL does not parse.
    public var redacted: String? { try? endpoint().description }

    /// Never the password: the redacted URL, or `rabbitmq` when it does not parse.
    public var description: String { redacted ?? "rabbitmq" }

    /// The parsed address, or the one error for a URL that does not parse.
    func endpoint() throws(BackendError) -> AMQPEndpoint {
        do throws(AMQPEndpointError) {
            return try AMQPEndpoint(parsing: url, username: username, password: password)
        } catch {
            throw BackendError(.rabbitMQ, .invalidAddress, target: "rabbitmq", reason: "\(error)")
        }
    }
}
